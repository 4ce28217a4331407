#!/bin/sh
# Creates Tandem's application role in PostgreSQL: it may read and write rows, it does not own the tables,
# and it is neither superuser nor BYPASSRLS, so that the row-level security policies of migration 0002 apply
# to every statement the app runs. Migrations run as the owner role (MIGRATE_DATABASE_URL).
#
# The postgres image runs this once, when it initialises an empty data directory (compose.yaml mounts it
# into /docker-entrypoint-initdb.d/). On another server, run it by hand as the owner of the database:
#
#   PGHOST=db.example.org POSTGRES_USER=tandem POSTGRES_DB=tandem TANDEM_APP_PASSWORD=... \
#       sh deploy/postgres/create-app-role.sh
#
# (without CREATEROLE on the owner, ask the server's administrator to create the role first and pass
# TANDEM_APP_ROLE_EXISTS=1). Running it again after `tandem migrate` is harmless and grants on existing tables.
set -eu

: "${POSTGRES_USER:?the role that owns the database and runs the migrations}"
: "${POSTGRES_DB:?the database}"
app_role="${TANDEM_APP_ROLE:-tandem_app}"

if [ "${TANDEM_APP_ROLE_EXISTS:-0}" != "1" ]; then
    : "${TANDEM_APP_PASSWORD:?the password of the application role (URL-safe: it goes into DATABASE_URL)}"
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        -v app_role="$app_role" -v app_password="$TANDEM_APP_PASSWORD" <<'SQL'
CREATE ROLE :"app_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
SQL
fi

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_role="$app_role" -v owner="$POSTGRES_USER" <<'SQL'
GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
-- Tables and sequences the owner creates from now on (every `tandem migrate`) ...
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
-- ... and those that exist already.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
SQL
