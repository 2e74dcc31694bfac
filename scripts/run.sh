#!/usr/bin/env bash
# make run: the development server and a task worker together; stopping one stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=1
# Each in a process group of its own, so that its autoreloader's child goes with it.
setsid .venv/bin/python manage.py db_worker --queue-name '*' --interval 1 &
WORKER=$!
setsid .venv/bin/python manage.py runserver "$1" &
SERVER=$!
stop() { kill -TERM -- "-$SERVER" "-$WORKER" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT TERM
wait -n "$SERVER" "$WORKER"  # either one stopping stops the other
