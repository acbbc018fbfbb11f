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
