#!/usr/bin/env bash
# My agenda under load (crates/testkit/examples/agenda_load.rs): the demo's crowd as real
# accounts, each request as a different signed-in attendee, against a real `hallway serve`:
# the my-agenda page, a bookmark toggled through the JSON marks API, and the public day grid
# (served from memory) as the reference, in the same run. Writes its section of
# bench/RESULTS.md.
#
#   bench/agenda.sh     (ATTENDEES=20000 CONNECTIONS=256 SECONDS_EACH=20 BACKEND=sqlite by default;
#                        DAY=2026-03-25 for the grid; PROFILE=dev for a quick try of the script;
#                        PostgreSQL from HALLWAY_TEST_POSTGRES_URL, as the tests)
#   ATTENDEES=2000 CONNECTIONS=32 SECONDS_EACH=5 bench/agenda.sh
# (SECONDS_EACH, not SECONDS: bash keeps SECONDS for itself.)
set -euo pipefail
cd "$(dirname "$0")/.."
attendees=${ATTENDEES:-20000}
connections=${CONNECTIONS:-256}
seconds=${SECONDS_EACH:-20}
backend=${BACKEND:-sqlite}
day=${DAY:-2026-03-25}
port=18094
profile=${PROFILE:-release}
case $profile in release) dir=target/release ;; dev) dir=target/debug ;; *) dir=target/$profile ;; esac

command -v curl >/dev/null || { echo "bench needs curl"; exit 1; }
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
  echo "something already listens on 127.0.0.1:$port: stop it first"; exit 1
fi
# The driver opens this many connections at once; the server one more each.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# Two builds: with --example, cargo builds no binary of the other packages named.
cargo build --profile "$profile" --locked -p hallway --bin hallway
cargo build --profile "$profile" --locked -p hallway-testkit --example agenda_load
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/agenda.log"

echo "== $backend: $attendees attendees, $connections connections, ${seconds}s each"
if ! "$dir/examples/agenda_load" "$backend" "$dir/hallway" "$port" \
    "$attendees" "$connections" "$seconds" "$day" >"$log"; then
  cat "$log"
  echo "a request failed"; exit 1
fi
cat "$log"

field() { awk -v k="$1" '$1 == k { print $2 }' "$log"; }
row() { # name label
  echo "| $2 | $(field "$1_requests") | $(field "$1_not_2xx") | $(field "$1_p50_ms") ms | $(field "$1_p99_ms") ms | $(field "$1_max_ms") ms | $(field "$1_rps") |"
}
rows="$(row agenda "my agenda (GET /me/kccnceu2026/agenda)")
$(row toggle "bookmark toggle (POST /api/v1/editions/kccnceu2026/marks)")
$(row grid "public day grid (GET /kccnceu2026/schedule/$day/, from memory)")"

cpu=$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
section=$(cat <<MD
<!-- agenda:start -->
## My agenda and bookmarks under load (bench/agenda.sh)

Run on $(date -u +%F): $(nproc) cores ($cpu), $mem, $(uname -sr); driver and server on the same
machine, loopback only. Command: \`ATTENDEES=$attendees CONNECTIONS=$connections SECONDS_EACH=$seconds
BACKEND=$backend bench/agenda.sh\` ($profile build, $backend). \`hallway demo --no-serve\` prepares
KubeCon and its synthetic crowd; each of the $(field accounts) attendees becomes an account with a
session and its simulated picks as \`interested\` marks ($(field marks) in all), written through the
store beforehand ($(field setup_s) s with the demo). A real \`hallway serve\`
(\`--max-connections-per-ip 0\`, as behind a proxy) then gets, from $connections keep-alive
connections for ${seconds} s each, requests back to back; each agenda and toggle request is the next
attendee's, with that attendee's session cookie. A toggle is one change with a fresh id, turning one
session of the attendee's on or off in turn; $(field toggle_not_taken) came back \`older\` rather than
\`taken\` (the same attendee's previous toggle, still in flight on another connection, committed
later). The grid is requested without a cookie. Latency is per request, from sending to the
whole answer read; requests/s is the requests over the phase's wall time.

| request | requests | not 2xx | p50 | p99 | max | req/s |
|---|---:|---:|---:|---:|---:|---:|
$rows

Target: p99 under 20 ms for my agenda and the toggle, with 20,000 attendees at 256 connections
on SQLite on a 2-core machine.
<!-- agenda:end -->
MD
)
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
path = "bench/RESULTS.md"
text = open(path).read()
pattern = re.compile(r"<!-- agenda:start -->.*?<!-- agenda:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "wrote bench/RESULTS.md"
