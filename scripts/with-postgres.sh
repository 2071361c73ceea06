#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server: initdb in a temporary directory, a free
# loopback port, stopped and removed afterwards. If DATABASE_URL is already set, use that instead.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
    exec "$@"
fi

for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && PATH="$dir:$PATH"
done
command -v initdb >/dev/null || { echo "initdb not found: install PostgreSQL (apt-get install -y postgresql)" >&2; exit 2; }

run_as=()
if [ "$(id -u)" = "0" ]; then
    # PostgreSQL refuses to run as root.
    run_as=(runuser -u postgres --)
fi

tmp=$(mktemp -d /tmp/coverage-pg.XXXXXX)
chmod 755 "$tmp"
[ ${#run_as[@]} -gt 0 ] && chown postgres "$tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
    "${run_as[@]}" pg_ctl -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"${run_as[@]}" initdb -D "$tmp/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log" >&2; exit 2; }
"${run_as[@]}" pg_ctl -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$tmp/server.log" >&2; exit 2; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $(postgres --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
