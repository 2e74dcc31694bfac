#!/usr/bin/env bash
# make load: gunicorn (several workers) on PostgreSQL, thirty users browsing and saving for
# one minute with locust, on loopback only; fails if any request failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export SECRET_KEY=load-only-secret DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 LOG_LEVEL=WARNING
export AXES_FAILURE_LIMIT=1000
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
USERS=${LOAD_USERS:-30}
DURATION=${LOAD_DURATION:-60s}
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py seed_demo --scale "${LOAD_SCALE:-5}" >/dev/null
.venv/bin/python manage.py load_accounts --users "$USERS"
.venv/bin/gunicorn pes21.wsgi --workers "${LOAD_WORKERS:-4}" --bind "127.0.0.1:$PORT" \
  --access-logfile /dev/null --error-logfile var/load-gunicorn.log --daemon --pid var/load-gunicorn.pid
trap 'kill $(cat var/load-gunicorn.pid) 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
mkdir -p var/load
.venv/bin/locust -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate 10 \
  --run-time "$DURATION" --stop-timeout 10 --host "http://127.0.0.1:$PORT" \
  --csv var/load/result --only-summary --exit-code-on-error 1
.venv/bin/python loadtest/summary.py var/load/result_stats.csv
