#!/usr/bin/env bash
# Search latency over the KubeCon EU 2026 release (crates/web/examples/search_latency.rs); writes
# its section of bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p hallway-web --example search_latency
out=$(target/release/examples/search_latency data/kubecon/kccnceu2026-sched-2026-03-22.ics)
echo "$out"
field() { echo "$out" | tr ' ' '\n' | sed -n "/^$1\$/{n;p}"; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
section=$(cat <<MD
<!-- search:start -->
## Search over a release (bench/search.sh)

Run on $(date -u +%F): $(nproc) cores ($cpu), $(free -g | awk '/Mem:/{print $2}') GiB. Command:
\`bench/search.sh\` (release build; the index of the KubeCon EU 2026 release, $(field sessions)
sessions, built once in $(field build_ms) ms; $(field queries) queries from session titles: a third
exact, a third with a letter swapped or dropped, a third cut to a prefix; one thread, the last of
three passes). Matching is typo-tolerant and by prefix, every word must match.

| p50 | p99 | slowest | results per query (mean) |
|---:|---:|---:|---:|
| $(field p50_us) µs | $(field p99_us) µs | $(field max_us) µs | $(field mean_hits) |

Target: well under a millisecond per query for 1,000 sessions.
<!-- search:end -->
MD
)
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
path = "bench/RESULTS.md"
text = open(path).read()
pattern = re.compile(r"<!-- search:start -->.*?<!-- search:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
