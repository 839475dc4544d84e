#!/usr/bin/env bash
# Load test of the running service, on loopback only, bounded in users and time.
#
#   bash bench/loadtest/run.sh            # 50 users (2 more a second), 2 minutes, 2 RQ workers
#   USERS=20 DURATION=60s bash bench/loadtest/run.sh
#
# Creates its own PostgreSQL database (mm_load_<random>) on 127.0.0.1:5432, loads the
# region data set into it, starts gunicorn (as in the Procfile) and RQ workers against it
# and Redis on 127.0.0.1:6379 with a unique queue prefix, runs locust headless, submits one
# region-scale solve run while the users work, prints the figures and removes everything
# it made (database, processes, its queues).
set -euo pipefail
cd "$(dirname "$0")/../.."

USERS=${USERS:-50}
SPAWN=${SPAWN:-2}   # users per second: logins (scrypt) spread over 25 s, as people arrive
DURATION=${DURATION:-2m}
PORT=${PORT:-8765}
RQ_WORKERS=${RQ_WORKERS:-2}
WEB_WORKERS=${WEB_WORKERS:-2}
PG_ADMIN=${PG_ADMIN:-postgresql://postgres@127.0.0.1:5432/postgres}
REDIS_DB=${REDIS_DB:-13}
REGION_TIME_LIMIT=${REGION_TIME_LIMIT:-30}
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")

TAG=$($PY -c 'import secrets; print(secrets.token_hex(4))')
DB="mm_load_$TAG"
OUT=${OUT:-$(mktemp -d "/tmp/mm-load-$TAG.XXXX")}
export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$DB"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export RQ_QUEUE_PREFIX="mmload-$TAG:"
export SECRET_KEY="load-$TAG"
# MM_ENV stays unset: production marks cookies Secure, which a client on plain-HTTP
# loopback does not send back. Every other setting is the production one.
touch "$OUT/runs.jsonl"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  $PY - <<EOF || true
import redis
r = redis.Redis.from_url("$REDIS_URL")
keys = list(r.scan_iter(match="*$RQ_QUEUE_PREFIX*"))
if keys:
    r.delete(*keys)
EOF
  psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" || true
  echo "cleaned up: database $DB, queues $RQ_QUEUE_PREFIX*; results in $OUT"
}
trap cleanup EXIT

psql "$PG_ADMIN" -q -c "CREATE DATABASE \"$DB\""
$BIN/flask --app web db upgrade 2>/dev/null
$BIN/flask --app web demo region | tee "$OUT/region_load.txt"

# --keep-alive above the users' think time: gunicorn's 2 s default closes idle connections
# just as a client reuses them, which shows up as "connection reset" errors.
$BIN/gunicorn --bind "127.0.0.1:$PORT" --workers "$WEB_WORKERS" --threads 4 --keep-alive 75 \
  --error-logfile "$OUT/gunicorn.log" 'web:create_app()' &
PIDS+=($!)
for i in $(seq "$RQ_WORKERS"); do
  # Solves are batch work: on a machine shared with the web, they yield the CPU to pages.
  SOLVER_WORKERS=1 nice -n "${WORKER_NICE:-10}" $PY -m workers.worker >"$OUT/worker$i.log" 2>&1 &
  PIDS+=($!)
done
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 1
done

# The region-scale run starts 20 s into the load and is waited for after it.
# REGION_RUN=0 leaves it out (a quick check of the journeys).
( [ "${REGION_RUN:-1}" = 1 ] || exit 0; sleep 20; $PY -m bench.region_solve --time-limit "$REGION_TIME_LIMIT" --timeout 600 \
    >"$OUT/region_solve.json" 2>"$OUT/region_solve.log" ) &
SOLVE=$!

MM_RUN_LOG="$OUT/runs.jsonl" $BIN/locust -f bench/loadtest/locustfile.py --headless -u "$USERS" -r "$SPAWN" -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary --stop-timeout 30 \
  >"$OUT/locust.log" 2>&1 || true
wait "$SOLVE" || true

$PY bench/loadtest/report.py "$OUT/locust_stats.csv" "$OUT/runs.jsonl" | tee "$OUT/report.md"
echo "region-scale run under load: $(cat "$OUT/region_solve.json" 2>/dev/null)"
uptime
