#!/usr/bin/env bash
# What `make run` does once the Python packages are installed: the system packages (CJK fonts and what
# WeasyPrint renders with), the database, the demo's organisation and logins; then it serves at once while
# the demo's cases are made in a background process (the pages show how far it has come).
# HOST, PORT: where to serve (default 127.0.0.1:8000); DEMO_CASES: how many demo cases (default 3000).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

bash scripts/system-packages.sh run
# make run is the development server on SQLite with demo data: debug pages on (never in production), and
# a random secret key of its own, made once (settings have no fallback key).
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  mkdir -p var
  [ -s var/dev-secret-key ] || (umask 077; $PY -c 'import secrets; print(secrets.token_urlsafe(50))' > var/dev-secret-key)
  DJANGO_SECRET_KEY=$(cat var/dev-secret-key)
  export DJANGO_SECRET_KEY
fi
$PY manage.py migrate --noinput -v 0
$PY manage.py seed_holidays
$PY manage.py load_demo --background ${DEMO_CASES:+--cases "$DEMO_CASES"}
echo
echo "Casework is running at http://$HOST:$PORT/  (Ctrl-C stops it)"
echo
exec $PY manage.py runserver "$HOST:$PORT"
