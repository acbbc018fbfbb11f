#!/usr/bin/env bash
# The seat rush (crates/testkit/examples/seat_rush.rs): ATTENDEES accounts, signed in
# beforehand, sign up at once over HTTP for a workshop of SEATS seats, against a real
# `hallway serve` on SQLite and then on PostgreSQL; then every seat holder gives up at once.
# Checked from the database: nothing oversold, the line in the order the server committed the
# sign-ups, each freed seat offered once with one mail. Writes its section of bench/RESULTS.md.
#
#   bench/seats.sh                  (ATTENDEES=2000 SEATS=40 by default; PostgreSQL from
#   ATTENDEES=200 SEATS=10 bench/seats.sh    HALLWAY_TEST_POSTGRES_URL, as the tests;
#                                    PROFILE=dev for a quick try of the script itself)
set -euo pipefail
cd "$(dirname "$0")/.."
attendees=${ATTENDEES:-2000}
seats=${SEATS:-40}
port=18093
profile=${PROFILE:-release}
case $profile in release) dir=target/release ;; dev) dir=target/debug ;; *) dir=target/$profile ;; esac

command -v curl >/dev/null || { echo "bench needs curl"; exit 1; }
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
  echo "something already listens on 127.0.0.1:$port: stop it first"; exit 1
fi
# The driver opens this many connections at once; the server one more each.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cargo build --profile "$profile" --locked -p hallway --bin hallway
cargo build --profile "$profile" --locked -p hallway-testkit --example seat_rush
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

field() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

rows=""
checks=""
for backend in sqlite postgres; do
  log="$work/$backend.log"
  echo "== $backend: $attendees sign-ups for $seats seats"
  if ! "$dir/examples/seat_rush" "$backend" "$dir/hallway" "$port" \
      "$attendees" "$seats" >"$log"; then
    cat "$log"
    echo "$backend: a check failed"; exit 1
  fi
  cat "$log"
  rows+="| $backend | sign-up | $(field "$log" signup_requests) | $(field "$log" signup_errors) | $(field "$log" signup_p50_ms) ms | $(field "$log" signup_p99_ms) ms | $(field "$log" signup_max_ms) ms | $(field "$log" signup_rps) |"$'\n'
  rows+="| $backend | cancellation | $(field "$log" cancel_requests) | $(field "$log" cancel_errors) | $(field "$log" cancel_p50_ms) ms | $(field "$log" cancel_p99_ms) ms | $(field "$log" cancel_max_ms) ms | $(field "$log" cancel_rps) |"$'\n'
  checks+="| $backend | $(field "$log" seats_taken) of $(field "$log" capacity) | $(field "$log" oversold) | $(field "$log" waiting) | $(field "$log" line_in_arrival_order) | $(field "$log" promotions) | $(field "$log" offers_recorded) | $(field "$log" offer_mails) | $(field "$log" setup_s) s |"$'\n'
done

cpu=$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
section=$(cat <<MD
<!-- seats:start -->
## The seat rush (bench/seats.sh)

Run on $(date -u +%F): $(nproc) cores ($cpu), $mem, $(uname -sr); driver and server on the same
machine, loopback only. Command: \`ATTENDEES=$attendees SEATS=$seats bench/seats.sh\` ($profile
build). $attendees accounts with their sessions are made beforehand; a real \`hallway serve\`
(\`--max-connections-per-ip 0\`, as behind a proxy) gets all their sign-ups at once, each on its
own connection with its own session (the seat page's form post, answered with the page); then
the $seats seat holders all give up at once. Latency is per request, from sending to the whole
answer read; requests/s is the requests over the wall time of the burst.

| backend | burst | requests | not 200 | p50 | p99 | max | req/s |
|---|---|---:|---:|---:|---:|---:|---:|
${rows}
Checked from the database (plain SQL, not the code under test). Arrival order is the order in
which the server committed the sign-ups: each answer names the place in line its transaction
gave, and the line in the database, by position, must be exactly those people in that order,
each place given once. A promotion is a freed seat offered to the next in line: each must be
made once, to the first $seats in line, recorded once and mailed once.

| backend | seats taken | oversold | in line | line in arrival order | promotions | offers recorded | offer mails | setting up |
|---|---:|---:|---:|---|---:|---:|---:|---:|
${checks}<!-- seats:end -->
MD
)
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
path = "bench/RESULTS.md"
text = open(path).read()
pattern = re.compile(r"<!-- seats:start -->.*?<!-- seats:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "wrote bench/RESULTS.md"
