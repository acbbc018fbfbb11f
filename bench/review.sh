#!/usr/bin/env bash
# The review at KubeCon's scale (crates/testkit/examples/review_bench.rs): 2,000 proposals,
# 120 reviewers, five reviews per proposal, on SQLite and on PostgreSQL. Times the automatic
# assignment (and its rerun), then measures a reviewer's list and the co-chairs' ranking with
# wrk from 127.0.0.1. Writes its section of bench/RESULTS.md.
#
#   bench/review.sh            (DURATION=10s CONNECTIONS=64 by default; PostgreSQL from
#                               HALLWAY_TEST_POSTGRES_URL, as the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
port=18091

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (apt-get install wrk curl)"; exit 1; }
done
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
  echo "something already listens on 127.0.0.1:$port: stop it first"; exit 1
fi
cargo build --release --locked -p hallway-testkit --example review_bench
work=$(mktemp -d)
cleanup() {
  [ -n "${driver:-}" ] && kill "$driver" 2>/dev/null && wait "$driver" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

field() { tr ' ' '\n' <"$1" | sed -n "/^$2\$/{n;p;q}"; }
# wrk's latency line ("50%  12.34ms") in milliseconds.
ms() {
  awk -v q="$2" '$1 == q { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
    printf "%.1f", v }' "$1"
}
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$1"; }
bytes() { curl -s -o /dev/null -w '%{size_download}' -H "Cookie: $2" "http://127.0.0.1:$port$1"; }

rows=""
assign=""
inproc=""
for backend in sqlite postgres; do
  log="$work/$backend.log"
  target/release/examples/review_bench "$backend" "$port" >"$log" 2>"$work/$backend.err" &
  driver=$!
  for _ in $(seq 1 1800); do
    grep -q '^ready$' "$log" && break
    kill -0 "$driver" 2>/dev/null || { cat "$work/$backend.err"; exit 1; }
    sleep 0.5
  done
  grep -q '^ready$' "$log" || { echo "$backend: the driver did not get ready"; exit 1; }
  cat "$log"
  list=$(awk '$1 == "list" { print $2 }' "$log")
  reviewer=$(awk '$1 == "list" { print $4 }' "$log")
  ranking=$(awk '$1 == "ranking" { print $2 }' "$log")
  chair=$(awk '$1 == "ranking" { print $4 }' "$log")
  for page in list ranking; do
    if [ "$page" = list ]; then path=$list; cookie=$reviewer; else path=$ranking; cookie=$chair; fi
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$path")
    [ "$status" = 200 ] || { echo "$backend $page: HTTP $status"; exit 1; }
    size=$(bytes "$path" "$cookie")
    wrk -t2 -c"$connections" -d"$duration" --timeout 30s --latency -H "Cookie: $cookie" \
      "http://127.0.0.1:$port$path" >"$work/$backend-$page.wrk"
    cat "$work/$backend-$page.wrk"
    case $page in
      list) label="a reviewer's list (3 of 8 tracks)" ;;
      *) label="the co-chair's ranking (every track)" ;;
    esac
    rows+="| $backend | $label | $((size / 1024)) kB | $(ms "$work/$backend-$page.wrk" 50%) ms | $(ms "$work/$backend-$page.wrk" 99%) ms | $(rps "$work/$backend-$page.wrk") |"$'\n'
  done
  inproc+="| $backend | $(field "$log" board_ms) ms | $(field "$log" list_ms) ms ($(field "$log" list_rows) proposals) | $(field "$log" ranking_ms) ms |"$'\n'
  assign+="| $backend | $(field "$log" assignment_ms) ms | $(field "$log" added) | $(field "$log" short) | $(field "$log" rerun_ms) ms | $(field "$log" rerun_added) | $(field "$log" setup_s) s |"$'\n'
  kill "$driver"
  wait "$driver" 2>/dev/null || true
  driver=""
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
section=$(cat <<MD
<!-- review:start -->
## The review at KubeCon's scale (bench/review.sh)

Run on $(date -u +%F): $(nproc) cores ($cpu), $(free -g | awk '/Mem:/{print $2}') GiB. Command:
\`bench/review.sh\` (release build; a blind CFP of 2,000 proposals in 8 tracks, 120 reviewers
(119 reviewing 3 tracks each, one co-chair of all), 15 bids per reviewer, affiliations from 150
organisations, a co-speaker on one proposal in ten, 5 reviews per proposal, a cap of 100; then a
review for every assignment).

Assignment (one min-cost flow over every allowed pair; conflicts computed for every reviewer and
proposal; the rerun keeps every assignment and finds nothing to add):

| backend | assignment | pairs added | proposals short | rerun | rerun added | setting up the data |
|---|---:|---:|---:|---:|---:|---:|
${assign}
Where a page's time goes, in process, once (the whole board read; a reviewer's list, which
reads only their own bids, assignments and reviews with the proposals; the ranking):

| backend | board | a reviewer's list | ranking |
|---|---:|---:|---:|
${inproc}
Pages, wrk with $connections connections for $duration (timeout 30 s), signed in (each page is
computed per request from the CFP's board, read in a fixed number of queries whatever its size):

| backend | page | size | p50 | p99 | req/s |
|---|---|---:|---:|---:|---:|
${rows}<!-- review:end -->
MD
)
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
path = "bench/RESULTS.md"
text = open(path).read()
pattern = re.compile(r"<!-- review:start -->.*?<!-- review:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
