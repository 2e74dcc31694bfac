#!/usr/bin/env bash
# make bench: a large dataset in a throwaway PostgreSQL, then the figures of every main page.
set -euo pipefail
cd "$(dirname "$0")/.."
export SECRET_KEY=bench-only-secret DEBUG=0 ALLOWED_HOSTS=testserver,127.0.0.1 SECURE_SSL_REDIRECT=0
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 LOG_LEVEL=WARNING
SCALE=${BENCH_SCALE:-50}
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py bench --scale "$SCALE" --repeat "${BENCH_REPEAT:-15}" \
  --sqlite-import-scale "${BENCH_SQLITE_SCALE:-4}"
