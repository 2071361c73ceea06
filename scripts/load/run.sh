#!/usr/bin/env bash
# `make load`: 50 users browse dashboards and tables for a minute against gunicorn + PostgreSQL, all on
# loopback, on a throw-away PostgreSQL server (or the one DATABASE_URL names). Stops by itself; exits
# non-zero if any request failed. Options: scripts/load/load.py --help. Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec scripts/with-postgres.sh .venv/bin/python scripts/load/load.py "$@"
