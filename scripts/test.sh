#!/usr/bin/env bash
# Every check Hallway has: formatting, clippy with -D warnings, and the whole test suite on
# SQLite and on PostgreSQL. Installs and starts what it needs; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
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
# (format checks on), icalendar and vobject, pinned in a virtual environment.
command -v xmllint >/dev/null || apt_install libxml2-utils
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
  apt_install python3-venv
fi
venv=tests/validate/.venv
if ! "$venv/bin/python" -c 'import jsonschema, icalendar, vobject' 2>/dev/null \
  || ! cmp -s tests/validate/requirements.txt "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/validate/requirements.txt
  cp tests/validate/requirements.txt "$venv/requirements.txt"
fi

# CoSPLib's official checker scores the optimizer's CoSPLib solutions: its pinned requirements in
# their own virtual environment; the checker itself is run, unchanged, from ../shared/tools/cosplib.
venv=tests/cosplib/.venv
if ! "$venv/bin/python" -c 'import pandas, openpyxl, pytz' 2>/dev/null \
  || ! cmp -s tests/cosplib/requirements.txt "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/cosplib/requirements.txt
  cp tests/cosplib/requirements.txt "$venv/requirements.txt"
fi

# Debian's Chromium and playwright-core for the browser tests (never a downloaded browser).
command -v chromium >/dev/null || apt_install chromium
command -v npm >/dev/null || apt_install nodejs npm
npm ci --prefix tests/browser --no-audit --no-fund --silent

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi
