#!/usr/bin/env bash
# Production serving: PostgreSQL, gunicorn, static files by WhiteNoise.
# Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL in the environment;
# put a TLS-terminating proxy (nginx) in front and set DJANGO_CSRF_TRUSTED_ORIGINS.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY}"
: "${DATABASE_URL:?set DATABASE_URL=postgres://user:password@host:5432/db}"
export DJANGO_DEBUG=0
PY=.venv/bin/python
$PY manage.py check --deploy --fail-level WARNING
$PY manage.py migrate --noinput
$PY manage.py seed_holidays
$PY manage.py collectstatic --noinput -v0
exec .venv/bin/gunicorn config.wsgi:application \
  --bind "${BIND:-127.0.0.1:8000}" \
  --workers "${WORKERS:-$(( $(nproc) * 2 + 1 ))}" \
  --worker-class gthread --threads "${THREADS:-4}" \
  --max-requests 5000 --max-requests-jitter 500 \
  --graceful-timeout 20 --timeout 60 \
  --access-logfile - --error-logfile -
