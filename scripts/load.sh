#!/usr/bin/env bash
# make load: two application servers (gunicorn, each with its own var/ and media folder) and one
# task worker on one PostgreSQL; locust sends each request to the servers in turn, thirty
# people browse and save, and one of them imports a file through both servers (sent to one,
# followed and confirmed on the other) while the load runs; loopback only; fails if any
# request, or the import, failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export SECRET_KEY=load-only-secret DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 LOG_LEVEL=WARNING
export AXES_FAILURE_LIMIT=1000
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
USERS=${LOAD_USERS:-30}
DURATION=${LOAD_DURATION:-60s}
LOAD=var/load
rm -rf "$LOAD" && mkdir -p "$LOAD"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo --scale "${LOAD_SCALE:-5}" >/dev/null
# The people of the load, and the one who imports (a member of the team).
.venv/bin/python manage.py load_accounts --users "$((USERS + 2))"
PIDS=()
stop() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT
HOSTS=""
for server in a b; do
  port=$(free_port)
  # A folder of its own: nothing one server writes on its disk is read by the other.
  export PES21_VAR_DIR="$LOAD/$server" MEDIA_ROOT="$LOAD/$server/media" STATIC_ROOT="$LOAD/$server/static"
  mkdir -p "$MEDIA_ROOT"
  .venv/bin/python manage.py collectstatic --noinput -v0
  .venv/bin/gunicorn config.wsgi --workers "${LOAD_WORKERS:-2}" --bind "127.0.0.1:$port" \
    --access-logfile /dev/null --error-logfile "$LOAD/$server/gunicorn.log" &
  PIDS+=($!)
  HOSTS="$HOSTS${HOSTS:+,}http://127.0.0.1:$port"
done
export PES21_VAR_DIR="$LOAD/worker" MEDIA_ROOT="$LOAD/worker/media"
mkdir -p "$PES21_VAR_DIR"
.venv/bin/python manage.py db_worker --no-reload --queue-name '*' --interval 0.5 \
  >"$LOAD/worker/worker.log" 2>&1 &
PIDS+=($!)
for host in ${HOSTS//,/ }; do
  for _ in $(seq 100); do curl -sf "$host/healthz" >/dev/null && break; sleep 0.2; done
done
echo "Serveurs : $HOSTS ; un processus de travail."
LOAD_HOSTS="$HOSTS" .venv/bin/locust -f loadtest/locustfile.py --headless --users "$((USERS + 1))" \
  --spawn-rate 10 --run-time "$DURATION" --stop-timeout 60 --host "${HOSTS%%,*}" \
  --csv "$LOAD/result" --only-summary --exit-code-on-error 1
.venv/bin/python loadtest/summary.py "$LOAD/result_stats.csv"
