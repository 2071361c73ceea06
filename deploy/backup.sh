#!/usr/bin/env bash
# Dump the app's database into BACKUP_DIR as coverage-<UTC time>.dump (pg_dump's custom format,
# compressed, restorable with pg_restore), then delete dumps older than BACKUP_KEEP_DAYS days.
# Run daily by deploy/coverage-backup.timer; docs/deployment.md ("Backups") has the restore steps,
# which tests/config/test_backup.py runs on every `make test`.
# Reads DATABASE_URL (as in /etc/coverage/env). Prints the new dump's path.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must be set (see /etc/coverage/env)}"
dir=${BACKUP_DIR:-/var/backups/coverage}
keep=${BACKUP_KEEP_DAYS:-30}

mkdir -p "$dir"
file="$dir/coverage-$(date -u +%Y%m%dT%H%M%SZ).dump"
# A dump is one consistent snapshot, taken while the app keeps running. Written under a temporary
# name first, so that a dump cut short is never mistaken for a good one.
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" --dbname="$DATABASE_URL"
mv "$file.partial" "$file"
find "$dir" -name 'coverage-*.dump' -mtime +"$keep" -delete
echo "$file"
