#!/usr/bin/env bash
# Import and export cost: `hallway import` of FOSDEM 2025 (943 events) and of copies 2, 5 and 10
# times its size on SQLite (time and peak memory, whole command), and `hallway export` of the
# released KubeCon EU 2026 schedule in every format. Writes its section of bench/RESULTS.md.
#
#   bench/interchange.sh            (RUNS=10 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${RUNS:-10}
for tool in hyperfine python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (apt-get install hyperfine time)"; exit 1; }
done
cargo build --release --locked -p hallway
bin="$root/target/release/hallway"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mean_ms() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(f\"{r['mean']*1000:.0f} {r['stddev']*1000:.0f}\")" "$1"; }
peak_mb() { # command... -> peak resident MB
  /usr/bin/time -f '%M' "$@" 2>"$work/rss" >/dev/null
  awk '{kb=$1} END {printf "%.0f", kb/1024}' "$work/rss"
}

import_rows=""
for n in 1 2 5 10; do
  file="$work/fosdem-x$n.xml"
  if [ "$n" = 1 ]; then cp data/schedules/fosdem-2025.schedule.xml "$file"; else python3 bench/scale_fosdem.py "$n" "$file"; fi
  db="$work/import.db"
  hyperfine --runs "$runs" --warmup 1 --export-json "$work/import.json" \
    --prepare "rm -f $db $db-wal $db-shm" \
    "$bin --database sqlite://$db import $file" >/dev/null
  read -r ms sd < <(mean_ms "$work/import.json")
  rm -f "$db" "$db-wal" "$db-shm"
  mb=$(peak_mb "$bin" --database "sqlite://$db" import "$file")
  events=$((943 * n))
  per=$(python3 -c "print(f'{$ms * 1000 / $events:.0f}')")
  size=$(python3 -c "import os; print(f'{os.path.getsize(\"$file\") / 1e6:.1f}')")
  echo "FOSDEM x$n: $events events, $ms ms (sd $sd), $per us/event, peak $mb MB"
  import_rows+="| FOSDEM 2025 × $n | $size MB | $events | $ms ± $sd | $per | $mb |"$'\n'
done

db="$work/kubecon.db"
"$bin" --database "sqlite://$db" import data/kubecon/kccnceu2026-sched-2026-03-22.ics >/dev/null
"$bin" --database "sqlite://$db" release >/dev/null
export_rows=""
for format in frab-xml frab-json ical csv submissions; do
  hyperfine --runs "$runs" --warmup 1 --export-json "$work/export.json" \
    "$bin --database sqlite://$db export --format $format -o $work/out" >/dev/null
  read -r ms sd < <(mean_ms "$work/export.json")
  bytes=$(wc -c <"$work/out")
  echo "KubeCon export $format: $ms ms (sd $sd), $bytes bytes"
  export_rows+="| $format | $bytes | $ms ± $sd |"$'\n'
done
hyperfine --runs "$runs" --warmup 1 --export-json "$work/noop.json" "$bin --version" >/dev/null
read -r start_ms _ < <(mean_ms "$work/noop.json")

cpu=$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
python3 - "$root/bench/RESULTS.md" <<PY
import re, sys
path = sys.argv[1]
section = """<!-- interchange:start -->
## Importing and exporting schedules (bench/interchange.sh)

Run on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu), $mem, $(uname -sr). Command:
\`bench/interchange.sh\` (release build, hyperfine, $runs runs after a warm-up, each import into a
fresh SQLite database). Times are whole commands as a user runs them: process start, opening and
migrating the database, reading, one transaction, exit. Peak memory is the process's maximum
resident set (GNU time). The larger files copy every FOSDEM event with fresh GUIDs
(\`bench/scale_fosdem.py\`).

| import | file | events | ms (mean ± sd) | µs per event | peak MB |
|---|---:|---:|---:|---:|---:|
$import_rows
Target: FOSDEM imports in under 250 ms end to end on SQLite, and cost grows linearly.

Export of the released KubeCon EU 2026 schedule (596 sessions), whole \`hallway export\` command
(\`hallway --version\` alone takes $start_ms ms):

| format | bytes | ms (mean ± sd) |
|---|---:|---:|
$export_rows<!-- interchange:end -->"""
text = open(path).read()
if "<!-- interchange:start -->" in text:
    text = re.sub(r"<!-- interchange:start -->.*?<!-- interchange:end -->", lambda m: section, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "wrote bench/RESULTS.md"
