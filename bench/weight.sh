#!/usr/bin/env bash
# Page weight: what a visitor downloads for one page of each type of the demo edition (the
# HTML, its stylesheets and scripts; the icon aside), raw and gzip-compressed. Writes its
# section of bench/RESULTS.md.
#
#   bench/weight.sh            (PROFILE=release to measure a release build; the bytes are the same)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
profile=${PROFILE:-debug}
port=${PORT:-18083}

command -v curl >/dev/null || { echo "bench needs curl (apt-get install curl)"; exit 1; }
if [ "$profile" = release ]; then cargo build --release --locked -p hallway; else cargo build --locked -p hallway; fi
work=$(mktemp -d)
cleanup() {
  [ -n "${hallway_pid:-}" ] && kill "$hallway_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# exec, so that the pid is the server's and the cleanup stops it.
(cd "$work" && exec "$root/target/$profile/hallway" demo --listen "127.0.0.1:$port" >"$work/demo.log" 2>&1) &
hallway_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  curl -sf "$base/kccnceu2026/" >/dev/null && break
  sleep 0.5
done
curl -sf "$base/kccnceu2026/" >/dev/null || { echo "the demo did not start:"; cat "$work/demo.log"; exit 1; }

rows=$(python3 - "$base" <<'PY'
import gzip, json, re, sys, urllib.error, urllib.request

base = sys.argv[1]

def get(path):
    try:
        with urllib.request.urlopen(base + path) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        return e.read()

api = lambda path: json.loads(get(path))
sessions = api("/api/v1/editions/kccnceu2026/sessions")
keynote = next(x["guid"] for x in sessions if x["title"].startswith("Keynote: Welcome"))
event = next(e["slug"] for e in api("/api/v1/editions/kccnceu2026")["events"] if e["kind"] == "co-located")
pages = [
    ("home", "/"),
    ("edition home", "/kccnceu2026/"),
    ("co-located event", f"/kccnceu2026/events/{event}/"),
    ("whole schedule (596 sessions)", "/kccnceu2026/schedule/"),
    ("day grid (Wed 25 Mar)", "/kccnceu2026/schedule/2026-03-25/"),
    ("day list (Wed 25 Mar)", "/kccnceu2026/schedule/2026-03-25/list"),
    ("now and next (Wed 11:20)", "/kccnceu2026/now?at=2026-03-25T11:20:00%2B01:00"),
    ("session (opening keynote)", f"/kccnceu2026/sessions/{keynote}"),
    ("speaker (Kat Cosgrove)", "/kccnceu2026/speakers/kat-cosgrove"),
    ("speakers", "/kccnceu2026/speakers/"),
    ("search (\"kubernets\")", "/kccnceu2026/search?q=kubernets"),
    ("changelog", "/kccnceu2026/changelog"),
    ("not found", "/kccnceu2026/nothing-here"),
]
# Level 6, as Hallway compresses the pages it renders per release.
gz = lambda b: len(gzip.compress(b, 6, mtime=0))
kb = lambda n: f"{n / 1000:.1f}"
for label, path in pages:
    html = get(path)
    text = html.decode()
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text) + re.findall(r'<script[^>]* src="([^"]+)"', text)
    css_js = [get(a) for a in assets]
    raw = len(html) + sum(map(len, css_js))
    packed = gz(html) + sum(map(gz, css_js))
    print(f"| {label} | {kb(len(html))} | {kb(gz(html))} | {kb(sum(map(gz, css_js)))} | {kb(raw)} | {kb(packed)} |")
PY
)
echo "$rows"

cpu=$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
section=$(cat <<MD
<!-- weight:start -->
## Page weight (bench/weight.sh)

Run on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu), $(uname -sr). Command: \`bench/weight.sh\`
(\`hallway demo\`, the KubeCon EU 2026 edition, $profile build: the bytes do not depend on it).
One page of each type with the stylesheet and scripts it links (the icon aside), in kB of
1,000 bytes, gzip at level 6 as Hallway compresses the pages it keeps in memory. Search and
filtered views are computed per request and sent uncompressed: their gzip column is what a
compressing proxy would send.

| page | HTML | HTML gzip | CSS + JS gzip | total raw | total gzip |
|---|---:|---:|---:|---:|---:|
$rows

Target: the day grid under 40 kB gzip.
<!-- weight:end -->
MD
)
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
path = "bench/RESULTS.md"
text = open(path).read()
pattern = re.compile(r"<!-- weight:start -->.*?<!-- weight:end -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "wrote bench/RESULTS.md"
