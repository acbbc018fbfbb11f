#!/usr/bin/env bash
# Live Q&A fan-out (crates/testkit/src/fanout.rs, run by the fanout_bench example): subscribers
# follow one session's room while clients ask and vote through the pages' forms. First one
# `hallway serve` on SQLite, then two replicas on PostgreSQL with the subscribers split across
# them and one replica killed (SIGKILL) halfway, its subscribers resuming on the other. Reports
# fan-out latency, changes lost, the servers' CPU and RSS. Writes its section of bench/RESULTS.md.
#
#   bench/fanout.sh     (SUBSCRIBERS=10000 CLIENTS=50 RATE=200 DURATION=60 KILL_AT=30
#                        ATTENDEES=20000 by default; PostgreSQL from HALLWAY_TEST_POSTGRES_URL,
#                        as the tests; RESULTS=no to leave bench/RESULTS.md alone; PROFILE=dev
#                        for a quick check with the debug build, never for figures)
#
# Nothing is raised but connection counts: the driver spreads subscribers over loopback source
# addresses (200 each, under the default 256 per address) and clients over enough accounts and
# addresses to stay under 80% of the asking and voting limits. The servers get
# --max-connections above the subscribers, and the open-file limit is raised to its maximum.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
subscribers=${SUBSCRIBERS:-10000}
clients=${CLIENTS:-50}
rate=${RATE:-200}
duration=${DURATION:-60}
kill_at=${KILL_AT:-$((duration / 2))}
attendees=${ATTENDEES:-20000}
admin=${HALLWAY_TEST_POSTGRES_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
ports=(18101 18102)

for tool in curl psql python3; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (apt-get install curl postgresql-client python3)"; exit 1; }
done
for port in "${ports[@]}"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "something already listens on 127.0.0.1:$port: stop it first"; exit 1
  fi
done
# Every subscriber is a file in the driver and in a server.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((subscribers + 1024)) ]; then
  echo "the open-file limit ($(ulimit -n)) is under $((subscribers + 1024)): raise the hard limit"; exit 1
fi
max_connections=$((subscribers + 1000))

profile=${PROFILE:-release}
cargo build --profile "$profile" --locked -p hallway
cargo build --profile "$profile" --locked -p hallway-testkit --example fanout_bench
out="$root/target/$([ "$profile" = dev ] && echo debug || echo "$profile")"
hallway="$out/hallway"
driver="$out/examples/fanout_bench"
work=$(mktemp -d)
db_name="hallway_fanout_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $db_name" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

serve() { # database port -> pid of `hallway serve`
  "$hallway" --database "$1" serve --listen "127.0.0.1:$2" --max-connections "$max_connections" \
    >"$work/serve-$2.log" 2>&1 &
  echo $!
}
ready() { # port pid
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { cat "$work/serve-$1.log"; return 1; }
    sleep 0.2
  done
  echo "127.0.0.1:$1 did not get ready"; return 1
}
room() { # base -> the keynote's GUID
  curl -sf "$1/api/v1/editions/kccnceu2026/sessions" | python3 -c \
    'import json,sys; s=json.load(sys.stdin); print(next(x["guid"] for x in s if x["title"].startswith("Keynote: Welcome")))'
}
run_driver() { # name database driver-args...
  local name=$1 database=$2; shift 2
  local status=0
  "$driver" --database "$database" --edition kccnceu2026 --subscribers "$subscribers" \
    --clients "$clients" --rate "$rate" --duration "$duration" --json "$work/$name.json" "$@" \
    >"$work/$name.out" || status=$?
  cat "$work/$name.out"
  [ -s "$work/$name.json" ] || { echo "$name: the driver reported nothing (status $status)"; exit 1; }
  return "$status"
}
failed=0

# One process on SQLite.
sqlite="sqlite://$work/fanout.db"
(cd "$work" && "$hallway" --database "$sqlite" demo --no-serve --attendees "$attendees" >"$work/demo-sqlite.log" 2>&1) \
  || { cat "$work/demo-sqlite.log"; exit 1; }
pid=$(serve "$sqlite" "${ports[0]}"); pids+=("$pid")
ready "${ports[0]}" "$pid"
base="http://127.0.0.1:${ports[0]}"
session=$(room "$base")
run_driver sqlite "$sqlite" --base "$base" --session "$session" --pid "$pid" || failed=1
kill "$pid"; wait "$pid" 2>/dev/null || true

# Two replicas on PostgreSQL, one killed at KILL_AT.
psql -q "$admin" -c "CREATE DATABASE $db_name"
postgres="${admin%/*}/$db_name"
(cd "$work" && "$hallway" --database "$postgres" demo --no-serve --attendees "$attendees" >"$work/demo-postgres.log" 2>&1) \
  || { cat "$work/demo-postgres.log"; exit 1; }
replicas=()
for port in "${ports[@]}"; do
  pid=$(serve "$postgres" "$port"); pids+=("$pid"); replicas+=("$pid")
  ready "$port" "$pid"
done
session=$(room "http://127.0.0.1:${ports[0]}")
run_driver postgres "$postgres" --base "http://127.0.0.1:${ports[0]}" --base "http://127.0.0.1:${ports[1]}" \
  --session "$session" --pid "${replicas[0]}" --pid "${replicas[1]}" \
  --kill "${replicas[0]}" --kill-at "$kill_at" || failed=1

if [ "${RESULTS:-yes}" != no ]; then
  cpu=$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
  mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
  machine="$(nproc) cores ($cpu), $mem, $(uname -sr)"
  command="SUBSCRIBERS=$subscribers CLIENTS=$clients RATE=$rate DURATION=$duration KILL_AT=$kill_at bench/fanout.sh"
  python3 - "$root/bench/RESULTS.md" "$work/sqlite.json" "$work/postgres.json" "$machine" "$command" "$(date -u +%Y-%m-%d)" "$profile" <<'PY'
import json, re, sys
path, sqlite, postgres, machine, command, day, profile = sys.argv[1:]
runs = [("SQLite, one process", json.load(open(sqlite))),
        ("PostgreSQL, two replicas, one killed", json.load(open(postgres)))]
rows = []
for name, r in runs:
    l = r["latency_ms"]
    procs = r["processes"]
    cpu = " + ".join(f'{p["cpu_seconds"]:.1f} s ({p["cpu_percent"]:.0f}%)' for p in procs)
    rss = "; ".join(f'{p["rss_connected_mb"]:.0f} / {p["rss_peak_mb"]:.0f}' for p in procs)
    asks = r["posts"].get("ask 200", 0)
    votes = r["posts"].get("vote 200", 0)
    refused = sum(n for k, n in r["posts"].items() if not k.endswith(" 200"))
    rows.append(f'| {name} | {r["subscribers"]:,} | {asks:,} + {votes:,} ({r["achieved_rate"]:.0f}/s, {refused} not done) '
                f'| {l["p50"]:.1f} | {l["p99"]:.1f} | {l["max"]:.1f} | {r["lost"]} (dup {r["duplicates"]}) | {cpu} | {rss} |')
first = runs[0][1]
kill = runs[1][1].get("killed") or {}
section = f"""<!-- fanout:start -->
## Live Q&A fan-out (bench/fanout.sh)

Run on {day} ({profile} build): {machine}; driver and servers on the same machine, loopback only. Command:
`{command}`. `hallway serve` on the KubeCon demo (released, SQLite file, then a
fresh PostgreSQL database with two replicas), `--max-connections` above the subscribers, the
product's rate limits unchanged: {first["accounts"]} accounts and {first["source_addresses"]} loopback source
addresses keep every account and address under 80% of them. Subscribers follow the keynote's
room (`/live?after=N`), split evenly over the servers; the clients ask (one action in five) and
vote through the forms. Latency runs from the ask's POST leaving the driver to the change's
arrival, at every subscriber. Lost counts change numbers missing at the end, questions some
subscriber never got and acknowledged questions no one got; the replica killed (SIGKILL) at
{kill.get("at_seconds", "?")} s sends its subscribers to the other, resuming after their last number.
CPU is the servers' time over the load and drain; RSS (MB) once all subscribers were
connected / at its peak (per process, separated by semicolons).

| run | subscribers | asks + votes done | p50 ms | p99 ms | max ms | lost | CPU | RSS MB |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
""" + "\n".join(rows) + """

Targets: p99 under 250 ms, 0 lost, RSS under 500 MB at 10,000 connections.
<!-- fanout:end -->"""
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmark results\n\nEach section is written by the script named in its heading.\n"
if "<!-- fanout:start -->" in text:
    text = re.sub(r"<!-- fanout:start -->.*?<!-- fanout:end -->", lambda m: section, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
  echo "wrote bench/RESULTS.md"
fi
exit "$failed"
