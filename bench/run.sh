#!/usr/bin/env bash
# The benchmark: Debrief (release build, PostgreSQL) under wrk beside pgbench running, on the
# same database in the same run, the SQL Debrief runs and, for the read and the save, the least
# SQL the use case needs (bench/pgbench/read-min.sql, save-min.sql: one statement each), plus
# the same read on SQLite, a paced run at half the saturating rate, review-queue pages at
# 10 000 and 1 000 000 rows, ES256 tokens against HS256, server RSS and start-to-ready time;
# HR's reports over a tenant of 1 000 000 rejections beside the scan of the same rows, and HR's
# overdue queue at 10 000 and 1 000 000 rows. Writes bench/results/<date>.md and prints the table. See docs/performance.md.
#
# Settings (environment): BENCH_POSTGRES_URL (an admin URL, default the local trust-auth
# server), BENCH_DB (debrief_bench; kept between runs, BENCH_RESEED=1 rebuilds it),
# BENCH_DURATION (seconds per measurement, 15), BENCH_CONNECTIONS (16), BENCH_LARGE (rows of
# the large review queue, 1000000), BENCH_BIN (a binary to measure instead of building the
# release binary of this checkout: to compare two builds in one session), BENCH_ONLY=reports
# (only the reports and the overdue queue), overdue (only the overdue queue) or core (all but
# those two).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

PG_ADMIN=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DB=${BENCH_DB:-debrief_bench}
DURATION=${BENCH_DURATION:-15}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=2
ONLY=${BENCH_ONLY:-all}
EMPLOYEES=20000 RELEASED=100000 DRAFTS=10000 SUBMITTED=5000
SMALL=10000 LARGE=${BENCH_LARGE:-1000000}
# The reports' tenant: LARGE rejections, nine in ten with released feedback.
REPORTS_RELEASED=$((LARGE * 9 / 10)) REPORTS_OPEN=$((LARGE / 20))
SEED_VERSION="2026-12-03.1 $EMPLOYEES $RELEASED $DRAFTS $SUBMITTED $SMALL $LARGE"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/debrief-target}
BIN=${BENCH_BIN:-$CARGO_TARGET_DIR/release/debrief}
VENV=${BENCH_VENV:-/var/tmp/debrief-bench-venv}
WORK=$(mktemp -d /var/tmp/debrief-bench.XXXXXX)
RESULTS="$WORK/results"
mkdir -p "$RESULTS"
PG_URL=$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$PG_ADMIN" "$DB")
SERVER_PID=""

step() { printf '\n=== %s ===\n' "$*" >&2; }
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

for tool in wrk pgbench psql python3; do
  command -v "$tool" >/dev/null || { echo "bench needs $tool (apt-get install wrk postgresql-client)" >&2; exit 1; }
done
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r bench/requirements.txt
fi

if [ -z "${BENCH_BIN:-}" ]; then
  step "Release build"
  cargo build --release --locked --quiet
fi

# The service's environment: HS256 unless a run says otherwise; bench issuer.
SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | head -c 48)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DEBRIEF_LISTEN="127.0.0.1:$PORT" DEBRIEF_DATA_DIR="$WORK/data" DEBRIEF_LOG_FORMAT=json \
  DEBRIEF_LOG_FILTER=warn DEBRIEF_AUTH_ISSUER=debrief-bench DEBRIEF_AUTH_AUDIENCE=debrief \
  DEBRIEF_RETENTION_INTERVAL_SECS=0 DEBRIEF_REMINDER_INTERVAL_SECS=0 \
  DEBRIEF_RATE_LIMIT_READS_PER_MINUTE=10000000 DEBRIEF_RATE_LIMIT_WRITES_PER_MINUTE=10000000
# (rate limits stay on, so their cost is measured, but far above what wrk sends per caller;
# no retention or reminder sweeps: the seeded history is a year old and mostly overdue)
BASE="http://127.0.0.1:$PORT"

start() { # $1: label; the database and key settings come from the environment
  local line
  line=$("$VENV/bin/python" bench/start.py "$BIN" "$WORK/serve-$1.log" "$PORT")
  SERVER_PID=${line% *}
  echo "${line#* }" >"$RESULTS/ready-$1.ms"
  echo "  $1: ready in ${line#* } ms (pid $SERVER_PID)" >&2
}
stop() {
  kill "$SERVER_PID"; while kill -0 "$SERVER_PID" 2>/dev/null; do sleep 0.05; done; SERVER_PID=""
}
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }

provision() { # make the service create the tenants (tenant row, default catalogs)
  local tenant
  for tenant in "$@"; do
    "$VENV/bin/python" - "$BASE" "$SECRET" "$tenant" <<'EOF'
import sys, urllib.request
sys.path.insert(0, "bench")
from tokens import Signer
base, secret, tenant = sys.argv[1:4]
token = Signer("HS256", secret).token("H1", ["hr"], tenant)
request = urllib.request.Request(base + "/v1/retention-policy", headers={"Authorization": "Bearer " + token})
assert urllib.request.urlopen(request).status == 200
EOF
  done
}

# --- the dataset -------------------------------------------------------------------------------
seeded=$(psql "$PG_URL" -Atqc "select version from bench_seed" 2>/dev/null || true)
if [ "${BENCH_RESEED:-0}" = 1 ] || [ "$seeded" != "$SEED_VERSION" ]; then
  step "Seeding $DB: $RELEASED released, $DRAFTS drafts, $SUBMITTED submitted over $EMPLOYEES employees; queues of $SMALL and $LARGE; reports over $LARGE"
  psql "$PG_ADMIN" -qc "drop database if exists $DB with (force)" -c "create database $DB"
  export DEBRIEF_DATABASE_URL="$PG_URL" DEBRIEF_AUTH_HS256_SECRET="$SECRET"
  start seed
  provision bench q10k q1m r1m
  stop
  for spec in "bench $RELEASED $DRAFTS $SUBMITTED 1" "q10k 0 0 $SMALL 1" "q1m 0 0 $LARGE 1" \
              "r1m $REPORTS_RELEASED $REPORTS_OPEN $REPORTS_OPEN 0"; do
    read -r tenant released drafts submitted revisions <<<"$spec"
    echo "  $tenant" >&2
    psql "$PG_URL" -q -v tenant="$tenant" -v employees="$EMPLOYEES" -v released="$released" \
      -v drafts="$drafts" -v submitted="$submitted" -v revisions="$revisions" -f bench/seed.sql
  done
  # As autovacuum would in time: the visibility map lets index-only scans skip the heap.
  psql "$PG_URL" -qc "vacuum (analyze) applications, feedback, requisitions, action_progress, feedback_acknowledgements"
  psql "$PG_URL" -qc "create table bench_seed (version text not null)" -c "insert into bench_seed values ('$SEED_VERSION')"
fi
psql "$PG_URL" -Atc "select 'feedback rows: ' || count(*) || ', database ' || pg_size_pretty(pg_database_size(current_database())) from feedback" >&2

# Cursors are signed with the service's key (a service_secrets row): make it now, so that the
# queue scenarios can start at positions tokens.py signs.
DEBRIEF_DATABASE_URL="$PG_URL" DEBRIEF_AUTH_HS256_SECRET="$SECRET" DEBRIEF_LOG_FILTER=warn "$BIN" migrate >/dev/null
CURSOR_KEY=$(psql "$PG_URL" -Atqc "insert into service_secrets (name, secret) values ('cursor-hmac', md5(random()::text) || md5(random()::text)) on conflict (name) do nothing" \
  -c "select secret from service_secrets where name = 'cursor-hmac'")

step "Tokens"
"$VENV/bin/python" bench/tokens.py "$WORK/hs256" --alg HS256 --secret "$SECRET" --cursor-key "$CURSOR_KEY" --employees "$EMPLOYEES" \
  --released "$RELEASED" --drafts "$DRAFTS" --submitted "$SUBMITTED" \
  --queue "bench:$((RELEASED + DRAFTS)):$SUBMITTED" --queue "q10k:0:$SMALL" --queue "q1m:0:$LARGE" --queue "r1m:0:1"
# HR's overdue queue from random positions: cursors over (due at, application id) of open rejections.
for tenant in q10k q1m; do
  psql "$PG_URL" -Atqc "select json_build_array(feedback_due_at, id) from applications
                         where tenant_id = '$tenant' and feedback_released_at is null order by random() limit 2000" \
    >"$WORK/overdue-positions-$tenant.txt"
  "$VENV/bin/python" bench/tokens.py "$WORK/hs256" --cursor-key "$CURSOR_KEY" \
    --sign "feedback-overdue:$WORK/overdue-positions-$tenant.txt:overdue-$tenant.txt"
done
"$VENV/bin/python" bench/tokens.py "$WORK/es256" --alg ES256 --key-out "$WORK/es256.pem" --cursor-key "$CURSOR_KEY" --employees "$EMPLOYEES" \
  --released "$RELEASED" --drafts 0 --submitted 0

# --- measurements ------------------------------------------------------------------------------
export BENCH_LUA="$ROOT/bench/lua" BENCH_THREADS=$THREADS

reset_drafts() { psql "$PG_URL" -qc "update feedback set version = 1 where tenant_id = 'bench' and status = 'draft'"; }

# Which clients of the bench database use TLS, seen halfway through a measurement (the sslmode
# of a URL without one is `prefer`: TLS whenever the server offers it, as this one may).
tls_seen() { # $1 name: writes RESULTS/name.tls, one line per client kind
  (sleep $((DURATION / 2)); psql "$PG_URL" -Atqc "select coalesce(nullif(a.application_name, ''), 'debrief') || ': '
      || case when s.ssl then 'TLS ' || s.version || ' ' || s.cipher else 'no TLS' end
      from pg_stat_activity a join pg_stat_ssl s using (pid)
      where a.datname = current_database() and a.pid <> pg_backend_pid() and a.backend_type = 'client backend'
      group by 1, s.ssl, s.version, s.cipher" >"$RESULTS/$1.tls" 2>/dev/null || true) &
}

debrief_load() { # $1 name, $2 lua script, $3 data dir; extra env passed through
  local name=$1 script=$2
  export BENCH_DATA=$3
  [ "$script" = update ] && reset_drafts
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "bench/lua/$script.lua" "$BASE" >/dev/null
  [ "$script" = update ] && reset_drafts
  case $DEBRIEF_DATABASE_URL in postgres*) tls_seen "$name" ;; esac
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "bench/lua/$script.lua" "$BASE" | tail -n1 >"$RESULTS/$name.wrk.json"
  echo "  debrief  $name: $(cat "$RESULTS/$name.wrk.json")" >&2
}

pgbench_load() { # $1 name, $2 script, then -D definitions
  local name=$1 script=$2; shift 2
  local defs=(-D employees=$EMPLOYEES -D released=$RELEASED -D drafts=$DRAFTS "$@")
  pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T 3 "${defs[@]}" -f "bench/pgbench/$script.sql" "$PG_URL" >/dev/null 2>&1
  mkdir -p "$RESULTS/$name.pgbench"
  tls_seen "$name"
  (cd "$RESULTS/$name.pgbench" && pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" "${defs[@]}" \
    -l --log-prefix=tx -f "$ROOT/bench/pgbench/$script.sql" "$PG_URL" >summary.txt 2>&1)
  echo "  pgbench  $name: $(grep -E '^tps' "$RESULTS/$name.pgbench/summary.txt")" >&2
}

step "PostgreSQL, HS256 tokens"
export DEBRIEF_DATABASE_URL="$PG_URL" DEBRIEF_AUTH_HS256_SECRET="$SECRET"
unset DEBRIEF_AUTH_PUBLIC_KEY_FILES
start postgres
if [ "$ONLY" = all ] || [ "$ONLY" = core ]; then
debrief_load read read "$WORK/hs256";   pgbench_load read read; pgbench_load read-min read-min
debrief_load list list "$WORK/hs256";   pgbench_load list list
debrief_load update update "$WORK/hs256"; pgbench_load update update; pgbench_load save-min save-min
BENCH_HR=hr-bench.txt BENCH_CURSORS=cursors-bench.txt debrief_load queue queue "$WORK/hs256"
pgbench_load queue queue -D tenant=bench -D first=$((RELEASED + DRAFTS)) -D count=$SUBMITTED
BENCH_HR=hr-q10k.txt BENCH_CURSORS=cursors-q10k.txt debrief_load queue-10k queue "$WORK/hs256"
BENCH_HR=hr-q1m.txt BENCH_CURSORS=cursors-q1m.txt debrief_load queue-1m queue "$WORK/hs256"
pgbench_load queue-10k queue -D tenant=q10k -D first=0 -D count=$SMALL
pgbench_load queue-1m queue -D tenant=q1m -D first=0 -D count=$LARGE

# Half of the saturating rate: each connection waits so that all of them together ask for half
# of what the saturated read run achieved.
saturated=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rps"])' "$RESULTS/read.wrk.json")
delay=$(python3 -c 'import sys; print(max(1, round(int(sys.argv[1]) * 1000 / (float(sys.argv[2]) / 2))))' "$CONNECTIONS" "$saturated")
BENCH_DELAY_MS=$delay debrief_load read-half read "$WORK/hs256"
echo "$delay" >"$RESULTS/read-half.delay-ms"
echo $(( $(hwm_kb) )) >"$RESULTS/postgres.hwm-kb"
fi

if [ "$ONLY" != core ]; then
step "PostgreSQL: HR's reports over $LARGE rejections, and the overdue queue"
if [ "$ONLY" != overdue ]; then
# Each report one request at a time, beside the scan of the same rows (pgbench, one client).
"$VENV/bin/python" bench/reports.py "$BASE" "$WORK/hs256/hr-r1m.txt" "$RESULTS"
pgbench -n -M prepared -c 1 -t 1 -D tenant=r1m -f bench/pgbench/report-scan.sql "$PG_URL" >/dev/null 2>&1
pgbench -n -M prepared -c 1 -t 5 -D tenant=r1m -f bench/pgbench/report-scan.sql "$PG_URL" >"$RESULTS/report-scan.txt" 2>&1
echo "  pgbench  report-scan: $(grep -E '^latency average' "$RESULTS/report-scan.txt")" >&2
echo $(( $(hwm_kb) )) >"$RESULTS/postgres-reports.hwm-kb"
fi
for size in 10k 1m; do
  BENCH_PATH="/v1/feedback-due?overdue=true&limit=50" BENCH_HR=hr-q$size.txt BENCH_CURSORS=overdue-q$size.txt \
    debrief_load overdue-$size queue "$WORK/hs256"
done
fi
stop

if [ "$ONLY" = all ] || [ "$ONLY" = core ]; then
step "PostgreSQL, ES256 tokens"
unset DEBRIEF_AUTH_HS256_SECRET
export DEBRIEF_AUTH_PUBLIC_KEY_FILES="$WORK/es256.pem" DEBRIEF_AUTH_ALGORITHMS=ES256
start postgres-es256
debrief_load read-es256 read "$WORK/es256"
stop
unset DEBRIEF_AUTH_PUBLIC_KEY_FILES DEBRIEF_AUTH_ALGORITHMS

step "SQLite (embedded), HS256 tokens"
export DEBRIEF_DATABASE_URL="sqlite://$WORK/sqlite/debrief.db" DEBRIEF_AUTH_HS256_SECRET="$SECRET"
start sqlite-empty
provision bench
stop
"$VENV/bin/python" bench/to_sqlite.py "$PG_URL" "$WORK/sqlite/debrief.db" bench
start sqlite
debrief_load read-sqlite read "$WORK/hs256"
echo $(( $(hwm_kb) )) >"$RESULTS/sqlite.hwm-kb"
stop
fi

step "Report"
mkdir -p bench/results
REPORT="bench/results/$(date -u +%Y-%m-%d)$(if [ "$ONLY" != all ]; then echo "-$ONLY"; fi).md"
python3 bench/report.py "$RESULTS" "$DURATION" "$CONNECTIONS" "$THREADS" >"$REPORT"
cat "$REPORT"
echo "written to $REPORT (raw results in $RESULTS)" >&2
