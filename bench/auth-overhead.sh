#!/usr/bin/env bash
# What access control costs per call: sequential invoke latency (p50/p95 of N curl calls, and the service's own
# Server-Timing) for review-sentiment with auth off (the baseline), with an API key (scoped, rate-limited, checked
# by SHA-256 and cached), with the operator admin key, and with an admin account over HTTP Basic (bcrypt on every
# call); prints each against the baseline. Usage: mvn -B package -DskipTests && bench/auth-overhead.sh [calls=200]
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-200}
. bench/lib.sh
body='{"text":"The battery died after two days and support never answered."}'
# run <label> <curl args...>: prints "label p50 p95" in ms to $results
run() {
  local label=$1; shift
  local times
  times=$(timed_invokes reviews "$body" "$@") # a non-200 ends the script (set -e)
  echo "$label $times" >> "$results"
}
results=$(mktemp)

create='{"id":"reviews","template":"review-sentiment","name":"Reviews","config":{"language":"en"}}'
AIFUNC_AUTH_ENABLED=false start_service
curl -sf -o /dev/null -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' -d "$create"
run "auth off (baseline)"
kill $pid; wait $pid 2>/dev/null || true; rm -rf "$work"

AIFUNC_ADMIN_PASSWORD=bench-admin-password AIFUNC_AUTH_ENABLED=true start_service
curl -sf -o /dev/null -XPOST "localhost:$port/api/scenarios" -H "Authorization: Bearer $BENCH_ADMIN_KEY" \
  -H 'Content-Type: application/json' -d "$create"
key=$(curl -sf -XPOST "localhost:$port/api/keys" -H "Authorization: Bearer $BENCH_ADMIN_KEY" -H 'Content-Type: application/json' \
  -d '{"name":"bench","scenarios":["reviews"],"ratePerSecond":100000,"burst":100000,"dailyQuota":100000000}' \
  | sed -E 's/.*"key":"([^"]+)".*/\1/')
run "API key (X-API-Key, scoped, rate-limited)" -H "X-API-Key: $key"
run "operator admin key (Bearer)" -H "Authorization: Bearer $BENCH_ADMIN_KEY"
run "admin account (HTTP Basic, bcrypt)" -u admin:bench-admin-password

printf 'machine: %s cores, load average %s; %d sequential curl calls each, review-sentiment, one sentence\n' \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$calls"
base=$(head -1 "$results" | awk '{print $(NF-1)}')
while read -r line; do
  p95=${line##* }; rest=${line% *}; p50=${rest##* }; label=${rest% *}
  printf '%-45s p50 %7.2f ms  p95 %7.2f ms  p50 vs auth off %.2fx\n' "$label" "$p50" "$p95" "$(awk -v a="$p50" -v b="$base" 'BEGIN {print a / b}')"
done < "$results"
rm -f "$results"
