#!/usr/bin/env bash
# Every check Hallway has: formatting, clippy with -D warnings, and the whole test suite on
# SQLite and on PostgreSQL. Installs and starts what it needs; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
# Another install may hold apt's lock (an unattended upgrade, a parallel build): wait for it.
apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_install() {
  [ -n "$apt_updated" ] || { apt_get update -qq; apt_updated=1; }
  apt_get install -y -qq "$@" >/dev/null
}

# PostgreSQL for the contract suite: the URL given, or a local server started (and installed) here.
if [ -z "${HALLWAY_TEST_POSTGRES_URL:-}" ]; then
  export HALLWAY_TEST_POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:5432/postgres"
  if ! command -v pg_isready >/dev/null || ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      echo "Installing PostgreSQL..."
      apt_install postgresql
      fresh_install=1
    fi
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    if [ -n "${fresh_install:-}" ]; then
      # A fresh Debian cluster asks for a password over TCP: give the superuser the one in the URL.
      as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
    fi
  fi
fi

# The official validators the export tests run: xmllint with the c3voc XSD; Python's jsonschema
# (format checks on), icalendar, vobject and openapi-spec-validator, and schemathesis for the API,
# pinned in a virtual environment.
command -v xmllint >/dev/null || apt_install libxml2-utils
command -v curl >/dev/null || apt_install curl
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
  apt_install python3-venv
fi
venv=tests/validate/.venv
if ! "$venv/bin/python" -c 'import jsonschema, icalendar, vobject, openapi_spec_validator' 2>/dev/null \
  || ! [ -x "$venv/bin/schemathesis" ] \
  || ! cmp -s tests/validate/requirements.txt "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/validate/requirements.txt
  cp tests/validate/requirements.txt "$venv/requirements.txt"
fi

# CoSPLib's official checker scores the optimizer's CoSPLib solutions: its pinned requirements in
# their own virtual environment; the checker itself is run, unchanged, from ../shared/tools/cosplib.
checker_venv=tests/cosplib/.venv
if ! "$checker_venv/bin/python" -c 'import pandas, openpyxl, pytz' 2>/dev/null \
  || ! cmp -s tests/cosplib/requirements.txt "$checker_venv/requirements.txt"; then
  python3 -m venv "$checker_venv"
  "$checker_venv/bin/pip" install --quiet --disable-pip-version-check -r tests/cosplib/requirements.txt
  cp tests/cosplib/requirements.txt "$checker_venv/requirements.txt"
fi

# aiosmtpd for the mail tests: a real SMTP server process, pinned in its own virtual environment.
smtp_venv=tests/smtp/.venv
if ! "$smtp_venv/bin/python" -c 'import aiosmtpd' 2>/dev/null \
  || ! cmp -s tests/smtp/requirements.txt "$smtp_venv/requirements.txt"; then
  python3 -m venv "$smtp_venv"
  "$smtp_venv/bin/pip" install --quiet --disable-pip-version-check -r tests/smtp/requirements.txt
  cp tests/smtp/requirements.txt "$smtp_venv/requirements.txt"
fi

# Debian's Chromium with playwright-core and axe-core for the browser and accessibility tests
# (never a downloaded browser); the W3C Nu HTML Checker (npm vnu-jar) run with Debian's Java.
# Install scripts stay off: vnu-jar's would download a Java runtime of its own.
command -v chromium >/dev/null || apt_install chromium
command -v java >/dev/null || apt_install default-jre-headless
command -v npm >/dev/null || apt_install nodejs npm
npm ci --prefix tests/browser --no-audit --no-fund --silent --ignore-scripts
for tool in chromium java node; do
  command -v "$tool" >/dev/null || { echo "MISSING: $tool, which the page tests need" >&2; exit 1; }
done

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
results=$(mktemp)
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast 2>&1 | tee "$results"
else
  cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$results"
fi

# Schemathesis against the API a real `hallway serve` describes: a released KubeCon edition on a
# free port, every operation, every check, a fixed number of examples and a fixed seed.
cargo build --locked -p hallway
command -v curl >/dev/null || apt_install curl
st_dir=$(mktemp -d)
st_pid=""
stop_st() {
  if [ -n "$st_pid" ]; then kill "$st_pid" 2>/dev/null || true; wait "$st_pid" 2>/dev/null || true; fi
  rm -rf "$st_dir"
}
trap stop_st EXIT
hallway=target/debug/hallway
"$hallway" --database "sqlite://$st_dir/st.db" import data/kubecon/kccnceu2026-sched-2026-03-22.ics >/dev/null
"$hallway" --database "sqlite://$st_dir/st.db" release >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$hallway" --database "sqlite://$st_dir/st.db" serve --listen "127.0.0.1:$port" >"$st_dir/serve.log" 2>&1 &
st_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/editions" || true)" = 200 ] && break
  sleep 0.2
done
# Run from the temporary directory, so that its crash cache does not make runs depend on old ones.
schemathesis="$PWD/tests/validate/.venv/bin/schemathesis"
if ! (cd "$st_dir" && "$schemathesis" run "$base/api/v1/openapi.json" --url "$base" --checks all \
  --max-examples 50 --seed 8 --no-color); then
  echo "SCHEMATHESIS FAILED: the API does not do what /api/v1/openapi.json says (server log: below)" >&2
  cat "$st_dir/serve.log" >&2
  exit 1
fi
echo "schemathesis: no failures"

# Every importer's fuzz target, seeded with the real files, for a bounded time each: a panic fails.
SECONDS_PER_TARGET="${FUZZ_SECONDS:-30}" ./scripts/fuzz.sh

# The suite's count last, since the checks above print after it.
passed=$(grep -Eo '[0-9]+ tests run: [0-9]+ passed' "$results" | tail -1 | grep -Eo '[0-9]+ passed$' | grep -Eo '[0-9]+' || true)
[ -n "$passed" ] || passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$results" | awk '{ s += $4 } END { print s }')
echo "all checks passed"
echo "tests: ${passed} passed, 0 failed"
