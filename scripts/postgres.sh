#!/usr/bin/env bash
# Idempotently makes sure that a local PostgreSQL cluster (Debian's, version 15 by
# default) runs on 127.0.0.1:5432 and that role casework (password casework,
# LOGIN CREATEDB) and database casework exist. Needs root (or sudo) and Debian's
# postgresql-common tools (pg_lsclusters, pg_ctlcluster, pg_createcluster).
set -euo pipefail

PG_VERSION=${PG_VERSION:-15}
PG_CLUSTER=main
PG_PORT=5432
ROLE=casework
PASSWORD=casework
DB=casework

die() { echo "postgres.sh: $*" >&2; exit 1; }

command -v pg_lsclusters >/dev/null 2>&1 || die "PostgreSQL is not installed (apt-get install postgresql)"
[ -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ] || die "PostgreSQL $PG_VERSION is not installed (apt-get install postgresql-$PG_VERSION)"

as_postgres() {
  # cd / so that psql does not complain that it cannot read the caller's directory.
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@")
  elif [ "$(id -un)" = postgres ]; then (cd / && "$@")
  else (cd / && sudo -n -u postgres -- "$@")
  fi
}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n -- "$@"; fi; }

# Columns: Ver Cluster Port Status Owner Data-directory Log-file
read -r port status logfile < <(pg_lsclusters --no-header | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" \
  '$1 == v && $2 == c { print $3, $4, $7 }') || true

if [ -z "${status:-}" ]; then
  echo "==> creating PostgreSQL $PG_VERSION cluster $PG_CLUSTER on port $PG_PORT"
  as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port "$PG_PORT" \
    --locale C.UTF-8 --encoding UTF8 --start >/dev/null
  read -r port status logfile < <(pg_lsclusters --no-header | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" \
    '$1 == v && $2 == c { print $3, $4, $7 }')
fi
[ "$port" = "$PG_PORT" ] || die "cluster $PG_VERSION/$PG_CLUSTER listens on port $port, not $PG_PORT"

case "$status" in
  online*) ;;
  *)
    echo "==> starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    if ! as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start; then
      [ -r "$logfile" ] && tail -n 20 "$logfile" >&2
      die "could not start cluster $PG_VERSION/$PG_CLUSTER"
    fi
    ;;
esac

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT"

psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"; }

# A cluster that initdb made under the C locale has a SQL_ASCII template1, and every
# database copied from it (the test database too) would not be UTF-8: remake it.
enc=$(psql_admin -d postgres -tAc "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'")
if [ "$enc" != UTF8 ]; then
  echo "==> remaking template1 as UTF8 (was $enc)"
  psql_admin -d postgres <<'SQL'
UPDATE pg_database SET datistemplate = false WHERE datname = 'template1';
DROP DATABASE template1;
CREATE DATABASE template1 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';
UPDATE pg_database SET datistemplate = true WHERE datname = 'template1';
SQL
fi

psql_admin -d postgres <<SQL
SELECT format('CREATE ROLE %I', '$ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE')
\gexec
ALTER ROLE $ROLE WITH LOGIN CREATEDB PASSWORD '$PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', '$DB', '$ROLE', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB')
\gexec
SQL

PGPASSWORD=$PASSWORD psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$ROLE" -d "$DB" -tAc 'SELECT 1' >/dev/null \
  || die "cannot log in as $ROLE on 127.0.0.1:$PG_PORT/$DB"
echo "PostgreSQL $PG_VERSION ready: postgres://$ROLE:***@127.0.0.1:$PG_PORT/$DB (role $ROLE LOGIN CREATEDB)"
