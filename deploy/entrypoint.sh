#!/bin/sh
# Entry point of the Tandem image: one image, one role per container.
#
#   web [gunicorn options]   apply the migrations (unless TANDEM_MIGRATE_ON_START=0), then serve with gunicorn
#   worker [queues...]       RQ worker with its scheduler: `tandem worker` (default queues: high default low)
#   cron                     enqueue the periodic jobs (the outbox sweep): `tandem cron`; run exactly one
#   migrate [--revision R]   apply the migrations and exit: `tandem migrate`
#   anything else            run as given, e.g. `tandem settings` or `sh`
#
# Migrations use MIGRATE_DATABASE_URL when it is set (a role that owns the tables), else DATABASE_URL. The app
# itself always uses DATABASE_URL, which on PostgreSQL should be a role that is neither superuser nor owner
# of the tables, so that row-level security applies to it (see docs/deployment.md).
set -eu

migrate() {
    DATABASE_URL="${MIGRATE_DATABASE_URL:-${DATABASE_URL:-}}" tandem migrate "$@"
}

command="${1:-web}"
if [ "$#" -gt 0 ]; then shift; fi

case "$command" in
    web)
        if [ "${TANDEM_MIGRATE_ON_START:-1}" != "0" ]; then
            migrate
        fi
        exec gunicorn -c "${GUNICORN_CONFIG:-/etc/tandem/gunicorn.conf.py}" "$@" "tandem:create_app()"
        ;;
    worker)
        exec tandem worker "$@"
        ;;
    cron)
        exec tandem cron "$@"
        ;;
    migrate)
        migrate "$@"
        ;;
    *)
        exec "$command" "$@"
        ;;
esac
