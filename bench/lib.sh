# Shared by the bench scripts: start the packaged service on free ports with a throw-away embedded database.
# After `start_service`, $port is the HTTP port, $pid the process, $work a temp folder removed on exit.
# The benches measure models and HTTP, so the API is opened (AIFUNC_AUTH_ENABLED=false) unless the caller sets
# AIFUNC_AUTH_ENABLED=true; bench/auth-overhead.sh measures what the checks cost. $BENCH_ADMIN_KEY is an admin key.
# $BENCH_DATA_DIR, when set, is the embedded database's folder (kept, so a second start is a restart);
# $BENCH_PORT fixes the port; $BENCH_JAVA_OPTS are added to the java command line; $BENCH_JAR runs another build.
start_service() {
  local jar=${BENCH_JAR:-target/quarkus-app/quarkus-run.jar}
  [ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
  work=$(mktemp -d)
  port=${BENCH_PORT:-$((20000 + RANDOM % 20000))}
  BENCH_ADMIN_KEY=bench-admin-key-for-this-run-only-0123456789
  AIFUNC_AUTH_ENABLED=${AIFUNC_AUTH_ENABLED:-false} AIFUNC_AUTH_ADMIN_KEY=$BENCH_ADMIN_KEY \
  AIFUNC_EMBEDDED_DB_DATA_DIR="${BENCH_DATA_DIR:-$work/pg}" AIFUNC_EMBEDDED_DB_PORT=$((port + 1)) QUARKUS_HTTP_PORT=$port \
    java ${BENCH_JAVA_OPTS:-} -jar "$jar" > "$work/service.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
  started_ns=$(date +%s%N)
  until curl -sf "localhost:$port/q/health/ready" > /dev/null; do
    kill -0 $pid 2>/dev/null || { cat "$work/service.log"; exit 1; }
    sleep 0.05
  done
  ready_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
}

# timed_invokes <scenario> <body> <curl args...>: 100 warm-up calls, then $calls timed sequential calls of
# POST /api/scenarios/<scenario>/invoke; every one must answer 200. Prints "p50 p95" in ms.
timed_invokes() {
  local scenario=$1 body=$2; shift 2
  local url="localhost:$port/api/scenarios/$scenario/invoke"
  for _ in $(seq 1 100); do curl -s -o /dev/null "$@" -XPOST "$url" -H 'Content-Type: application/json' -d "$body"; done
  : > "$work/t.txt"
  for _ in $(seq 1 "$calls"); do
    code=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$@" -XPOST "$url" -H 'Content-Type: application/json' -d "$body")
    [ "${code%% *}" = 200 ] || { echo "$scenario: HTTP ${code%% *}" >&2; exit 1; }
    echo "${code#* }" >> "$work/t.txt"
  done
  echo "$(percentile_ms "$work/t.txt" 0.5) $(percentile_ms "$work/t.txt" 0.95)"
}

# percentile_ms <file of seconds> <p>: the p-th percentile (nearest rank) in ms
percentile_ms() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p); if (i<1) i=1; print a[i] * 1000}'; }
