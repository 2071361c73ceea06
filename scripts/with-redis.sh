#!/usr/bin/env bash
# Run a command with a throw-away Redis server (the shared page cache, REDIS_URL): a free loopback
# port, nothing saved to disk, stopped afterwards. If REDIS_URL is already set, use that instead.
# Usage: scripts/with-redis.sh COMMAND [ARGS...]   (e.g. scripts/with-redis.sh scripts/with-postgres.sh make load)
set -euo pipefail

if [ -n "${REDIS_URL:-}" ]; then
    exec "$@"
fi
command -v redis-server >/dev/null || { echo "redis-server not found: run scripts/system-deps.sh (apt-get install -y redis-server)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/coverage-redis.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$tmp" \
    --logfile "$tmp/redis.log" --daemonize no &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.1).close()" 2>/dev/null && break
    sleep 0.05
done
export REDIS_URL="redis://127.0.0.1:$port/0"
echo "Redis $(redis-server --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
