#!/usr/bin/env bash
# Two PostgreSQL roles for production (docs/security.md, "Event chains"): the owner runs migrate and
# owns every table, trigger and function; the application connects as a role that only reads and
# writes rows, so it can neither switch off nor drop the trigger that keeps events append-only.
#
#   scripts/db-roles.sh setup [DB]    roles, database DB (default casework_prod) owned by the owner,
#                                     migrate as the owner, then the application's grants
#   scripts/db-roles.sh grants [DB]   the grants again (after a migrate that added tables)
#   scripts/db-roles.sh test-role     the role the PostgreSQL tests take (SET ROLE) to check what the
#                                     application's role may do: casework_app_test, NOLOGIN, granted to
#                                     the test role casework
#
# Environment: OWNER_ROLE (casework_owner), APP_ROLE (casework_app), OWNER_PASSWORD, APP_PASSWORD
# (asked for when unset and on a terminal), PGPORT (5432). Runs psql as the cluster's superuser
# (root, the postgres user, or sudo), on the local cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

OWNER=${OWNER_ROLE:-casework_owner}
APP=${APP_ROLE:-casework_app}
PORT=${PGPORT:-5432}
TEST_ROLE=casework_app_test
TEST_MEMBER=casework

die() { echo "db-roles.sh: $*" >&2; exit 2; }
for role in "$OWNER" "$APP"; do
  [[ $role =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "role name '$role': lower-case letters, digits and _ only"
done

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@")
  elif [ "$(id -un)" = postgres ]; then (cd / && "$@")
  else (cd / && sudo -n -u postgres -- "$@")
  fi
}
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }

password() {  # password VAR ROLE: from the environment, or asked for
  local value=${!1:-}
  if [ -z "$value" ]; then
    [ -t 0 ] || die "set $1 (the password of role $2)"
    read -r -s -p "password for role $2: " value; echo >&2
  fi
  [ -n "$value" ] || die "empty password for role $2"
  printf '%s' "$value"
}

grants() {  # grants DB: the application's rights, applied as the owner
  sed "s/__APP_ROLE__/$APP/g" scripts/db-grants.sql \
    | psql_admin -d "$1" -c "SET ROLE $OWNER" -f - >/dev/null
  echo "grants applied: $APP reads and writes rows of $1 and owns nothing; events: SELECT, INSERT only"
}

case "${1:-}" in
  setup)
    DB=${2:-casework_prod}
    [[ $DB =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "database name '$DB': lower-case letters, digits and _ only"
    owner_password=$(password OWNER_PASSWORD "$OWNER")
    app_password=$(password APP_PASSWORD "$APP")
    psql_admin -d postgres -v owner="$OWNER" -v app="$APP" -v owner_pw="$owner_password" \
      -v app_pw="$app_password" -v db="$DB" <<'SQL'
SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner')
\gexec
SELECT format('CREATE ROLE %I', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app')
\gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_pw';
ALTER ROLE :"app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_pw';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'owner', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
\gexec
SQL
    psql_admin -d "$DB" -v owner="$OWNER" <<'SQL'
ALTER SCHEMA public OWNER TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
    echo "==> migrate as $OWNER"
    DATABASE_URL="postgres://$OWNER:$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$owner_password")@127.0.0.1:$PORT/$DB" \
      .venv/bin/python manage.py migrate --noinput -v0
    grants "$DB"
    echo "the application connects as $APP: DATABASE_URL=postgres://$APP:...@127.0.0.1:$PORT/$DB"
    echo "migrations run as $OWNER (MIGRATE_DATABASE_URL for scripts/serve-production.sh)"
    ;;
  grants)
    grants "${2:-casework_prod}"
    ;;
  test-role)
    psql_admin -d postgres -v role="$TEST_ROLE" -v member="$TEST_MEMBER" <<'SQL'
SELECT format('CREATE ROLE %I NOLOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')
\gexec
GRANT :"role" TO :"member";
SQL
    echo "role $TEST_ROLE ready (NOLOGIN; $TEST_MEMBER may SET ROLE to it)"
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
