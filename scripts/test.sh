#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL.
# Usage: scripts/test.sh [pytest args...]        (or: make test ARGS='...')
# First installs the system packages the tests need (scripts/system-packages.sh test: fonts,
# Chromium, PostgreSQL, poppler, gettext); CI=true also makes a missing PostgreSQL fail the run.
# CASEWORK_TEST_DATABASE_URL=postgres://...: use that server instead of the local cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
[ "${CI:-}" = true ] && ci=true

bash scripts/system-packages.sh test
make -s --no-print-directory install
# axe-core for the accessibility checks in the browser tests (package-lock.json pins it).
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  elif $ci; then
    echo "CI: npm is missing, cannot install axe-core" >&2; exit 1
  fi
fi

# CI: every dependency pinned, newer patch releases reported, known vulnerabilities fail the run
# (scripts/dependencies.py; docs/security.md "Dependencies").
if $ci; then
  echo "==> dependencies"
  .venv/bin/python scripts/dependencies.py
fi

# No `|| ...` after a pytest run: any non-zero exit, 5 (no tests ran) included, ends the script.
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider)

echo "==> ruff check"
.venv/bin/ruff check --quiet casework config tests bench scripts manage.py

echo "==> pytest on SQLite"
env -u DATABASE_URL "${PYTEST[@]}" "$@"

# pytest-django creates (and drops) test_<name> itself, so the role needs CREATEDB.
pg_url=${CASEWORK_TEST_DATABASE_URL:-postgres://casework:casework@127.0.0.1:5432/casework}
if [ -z "${CASEWORK_TEST_DATABASE_URL:-}" ]; then
  if ! $ci && ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "NOTE: PostgreSQL run skipped: PostgreSQL is not installed (apt-get install postgresql, or set CASEWORK_TEST_DATABASE_URL)."
    exit 0
  fi
  bash scripts/postgres.sh
  # The role the tests take to check what the application's database role may do (tests/audit).
  bash scripts/db-roles.sh test-role
fi

echo "==> pytest on PostgreSQL ($(sed -E 's#^([a-z]+://[^:/@]+):[^@]*@#\1:***@#' <<<"$pg_url"))"
DATABASE_URL=$pg_url "${PYTEST[@]}" "$@"
