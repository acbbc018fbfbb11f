#!/usr/bin/env bash
# Fuzzes the schedule importers with cargo-fuzz (see fuzz/README.md).
#   scripts/fuzz.sh [TARGET...]     SECONDS_PER_TARGET=60 by default
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_PER_TARGET:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ical frab_xml frab_json xcal csv)

seed() { # target -> files from data/ that start its corpus
  case "$1" in
    ical) ls data/kubecon/*.ics data/schedules/33c3/schedule.ics ;;
    frab_xml) ls data/schedules/*.xml data/schedules/33c3/schedule.xml ;;
    frab_json) ls data/schedules/33c3/schedule.json data/examples/*.json ;;
    xcal) ls data/schedules/33c3/schedule.xcal ;;
    csv) ls data/kubecon/*.csv ;;
  esac
}

for t in "${targets[@]}"; do
  corpus="fuzz/corpus/$t"
  mkdir -p "$corpus"
  for f in $(seed "$t"); do cp -n "$f" "$corpus/" ; done
  echo "fuzzing $t for ${seconds}s"
  (cd fuzz && cargo fuzz run --sanitizer none "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096)
done
