#!/usr/bin/env bash
# Production serving: PostgreSQL, gunicorn, static files by WhiteNoise.
# Needs DJANGO_SECRET_KEY, CASEWORK_CHAIN_KEY, CASEWORK_DATA_KEYS, CASEWORK_INDEX_KEY, DJANGO_ALLOWED_HOSTS and
# DATABASE_URL in the environment;
# MIGRATE_DATABASE_URL: migrations run as that role, the owner of the tables, while the application
# connects as a role that owns nothing (docs/security.md, scripts/db-roles.sh);
# put a TLS-terminating proxy (nginx) in front and set DJANGO_CSRF_TRUSTED_ORIGINS.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DJANGO_SECRET_KEY:?set DJANGO_SECRET_KEY}"
: "${DATABASE_URL:?set DATABASE_URL=postgres://user:password@host:5432/db}"
threads=${THREADS:-1}
workers=${WORKERS:-$(( $(nproc) * 2 + 1 ))}
timeout=${TIMEOUT:-180}
for var in threads workers timeout; do
  case ${!var} in
    ''|*[!0-9]*|0) echo "${var^^} must be a whole number above 0, not '${!var}'" >&2; exit 2 ;;
  esac
done
export DJANGO_DEBUG=0
PY=.venv/bin/python
$PY manage.py check --deploy --fail-level WARNING
DATABASE_URL=${MIGRATE_DATABASE_URL:-$DATABASE_URL} $PY manage.py migrate --noinput
$PY manage.py seed_holidays
$PY manage.py collectstatic --noinput -v0
# Sync workers (one request at a time each, 2 x cores + 1 of them): each request goes to a worker
# that is free. With gthread's keep-alive threads, a connection stays with the worker that took it,
# and under load some workers queue while others idle: bench/load.py measured p99 476 ms with
# gthread 5 x 4 against 228 ms with 5 sync workers, at the same throughput. THREADS=N (N > 1)
# chooses gthread for clients that cannot sit behind the buffering proxy sync workers need.
# A sync worker is busy for the whole of a request, so TIMEOUT bounds the longest one (a large
# jurisdiction's streamed CSV export); sites with many long exports raise WORKERS.
if [ "$threads" -gt 1 ]; then kind=(--worker-class gthread --threads "$threads"); else kind=(--worker-class sync); fi
exec .venv/bin/gunicorn config.wsgi:application \
  --bind "${BIND:-127.0.0.1:8000}" \
  --workers "$workers" \
  "${kind[@]}" \
  --max-requests 5000 --max-requests-jitter 500 \
  --graceful-timeout 20 --timeout "$timeout" \
  --access-logfile - --error-logfile - \
  --access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
# The access log names the path without its query string (%(U)s, not %(r)s) and no referrer: an Open311
# api_key sent as ?api_key=... is never written down (docs/security.md "Security log").
