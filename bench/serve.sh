#!/usr/bin/env bash
# Released-schedule serving: Hallway (the demo, from memory) against nginx serving the very same
# bytes as static files, measured by wrk from 127.0.0.1 in the same run. Writes bench/RESULTS.md.
#
#   bench/serve.sh            (DURATION=20s CONNECTIONS=64 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${DURATION:-20s}
connections=${CONNECTIONS:-64}
hallway_port=18081
nginx_port=18082

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (apt-get install wrk nginx-light curl)"; exit 1; }
done

cargo build --release --locked -p hallway
work=$(mktemp -d)
cleanup() {
  [ -n "${hallway_pid:-}" ] && kill "$hallway_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A server left on the port would be measured instead of this build.
for port in $hallway_port $nginx_port; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "something already listens on 127.0.0.1:$port: stop it first"; exit 1
  fi
done
(cd "$work" && "$root/target/release/hallway" demo --listen 127.0.0.1:$hallway_port >"$work/demo.log" 2>&1) &
hallway_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$hallway_port/api/v1/editions/kccnceu2026" >/dev/null && break
  sleep 0.2
done
base="http://127.0.0.1:$hallway_port"
session=$(curl -sf "$base/api/v1/editions/kccnceu2026/sessions" | python3 -c \
  'import json,sys; s=json.load(sys.stdin); print(next(x["guid"] for x in s if x["title"].startswith("Keynote: Welcome")))')
paths=(
  "/api/v1/editions/kccnceu2026/sessions|released schedule JSON (596 sessions)"
  "/kccnceu2026/schedule/2026-03-25/|day grid HTML (Wed 25 Mar)"
  "/kccnceu2026/sessions/$session|session page HTML"
  "/kccnceu2026/now|now and next HTML (rendered once a minute)"
)

# nginx gets the bytes Hallway serves, at the same paths.
mkdir -p "$work/static"
for entry in "${paths[@]}"; do
  path=${entry%%|*}
  file="$work/static$path"
  [[ "$path" == */ ]] && file="${file}index.html"
  mkdir -p "$(dirname "$file")"
  curl -sf "$base$path" -o "$file"
done
# nginx's workers run as an unprivileged user: they must be able to read the files.
chmod -R a+rX "$work"
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { application/json json; text/html html; }
  default_type text/html;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/static;
    etag on;
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$nginx_port${paths[0]%%|*}" >/dev/null && break; sleep 0.1; done

# Both servers must answer 200 with the same bytes, or the comparison means nothing.
for entry in "${paths[@]}"; do
  path=${entry%%|*}
  a=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$base$path")
  b=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$nginx_port$path")
  [ "$a" = "$b" ] && [ "${a%% *}" = 200 ] || { echo "$path: hallway '$a' vs nginx '$b'"; exit 1; }
done

measure() { # url -> "rps p99_ms"
  local out
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$1")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "wrk saw errors for $1:" >&2
    echo "$out" >&2
    exit 1
  fi
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  python3 - "$rps" "$p99" <<'PY'
import sys
rps, p99 = float(sys.argv[1]), sys.argv[2]
unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
for u in ("us", "ms", "s"):
    if p99.endswith(u) and not (u == "s" and p99.endswith(("ms", "us"))):
        ms = float(p99[: -len(u)]) * unit[u]
print(f"{rps:.0f} {ms:.2f}")
PY
}

rows=""
for entry in "${paths[@]}"; do
  path=${entry%%|*}
  label=${entry#*|}
  bytes=$(curl -s "$base$path" | wc -c)
  read -r h_rps h_p99 < <(measure "$base$path")
  read -r n_rps n_p99 < <(measure "http://127.0.0.1:$nginx_port$path")
  ratio=$(python3 -c "print(f'{$h_rps / $n_rps * 100:.0f}%')")
  echo "$label: hallway $h_rps req/s p99 $h_p99 ms; nginx $n_rps req/s p99 $n_p99 ms; $ratio"
  rows+="| $label | $bytes | $h_rps | $h_p99 | $n_rps | $n_p99 | $ratio |"$'\n'
done

cpu=$(awk -F: '/model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
python3 - "$root/bench/RESULTS.md" "serve" <<PY
import re, sys
path, key = sys.argv[1], sys.argv[2]
section = """<!-- serve:start -->
## Serving the released schedule (bench/serve.sh)

Run on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu), $mem, $(uname -sr); wrk and both servers on the
same machine, loopback only. Command: \`bench/serve.sh\` (wrk -t2 -c$connections -d$duration --latency,
no Accept-Encoding, so both send identity bytes). Hallway runs \`hallway demo\` (release build, SQLite,
20,000 attendees); nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') serves the same bytes as static files
(worker_processes auto, sendfile, access log off).

| resource | bytes | Hallway req/s | Hallway p99 ms | nginx req/s | nginx p99 ms | Hallway / nginx |
|---|---:|---:|---:|---:|---:|---:|
$rows
Target: 70% or more of nginx's requests per second, p99 under 20 ms.
<!-- serve:end -->"""
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmark results\n\nEach section is written by the script named in its heading.\n"
if "<!-- serve:start -->" in text:
    text = re.sub(r"<!-- serve:start -->.*?<!-- serve:end -->", lambda m: section, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
PY
echo "wrote bench/RESULTS.md"
