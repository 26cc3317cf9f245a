#!/usr/bin/env bash
# Measures the packaged service on this machine: time from process start to ready (models warm), RSS after
# warm-up, and invoke latency for one sentence over HTTP (p50/p95 of N sequential curl calls), next to the
# in-process time the service reports in Server-Timing for the same calls (the baseline: HTTP overhead ratio).
# Usage: mvn -B package -DskipTests && bench/startup-and-latency.sh [calls=300]
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-300}
. bench/lib.sh
start_service # sets $port, $pid, $work, $ready_ms
create=$(curl -sf -o /dev/null -w '%{time_total}' -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' \
  -d '{"id":"reviews","template":"review-sentiment","name":"Reviews","config":{"language":"en"}}')
body='{"text":"The battery died after two days and support never answered."}'
first=$(curl -s -o /dev/null -w '%{time_total}' -XPOST "localhost:$port/api/scenarios/reviews/invoke" -H 'Content-Type: application/json' -d "$body")
for _ in $(seq 1 20); do curl -s -o /dev/null -XPOST "localhost:$port/api/scenarios/reviews/invoke" -H 'Content-Type: application/json' -d "$body"; done
: > "$work/http.txt"; : > "$work/server.txt"
for _ in $(seq 1 "$calls"); do
  curl -s -D "$work/h" -o /dev/null -w '%{time_total}\n' -XPOST "localhost:$port/api/scenarios/reviews/invoke" \
    -H 'Content-Type: application/json' -d "$body" >> "$work/http.txt"
  grep -i '^server-timing' "$work/h" | sed -E 's/.*dur=([0-9.]+).*/\1/' >> "$work/server.txt"
done
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p); if (i<1) i=1; print a[i]}'; }
http50=$(pct "$work/http.txt" 0.5); http95=$(pct "$work/http.txt" 0.95)
srv50=$(pct "$work/server.txt" 0.5)
printf 'machine: %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'time to ready (process start -> /q/health/ready 200, 3 model packs warm): %d ms\n' "$ready_ms"
printf 'create review-sentiment (prepares it: embeds its 214 shipped examples): %.0f ms\n' "$(awk -v x="$create" 'BEGIN {print x * 1000}')"
printf 'first invoke after create: %.1f ms\n' "$(awk -v x="$first" 'BEGIN {print x * 1000}')"
printf 'RSS after warm-up and %d calls: %d MiB\n' "$calls" $((rss_kb / 1024))
printf 'review-sentiment, one sentence, %d sequential calls: HTTP p50 %.2f ms, p95 %.2f ms; in-process p50 %.2f ms; HTTP/in-process %.2fx\n' \
  "$calls" "$(awk -v x="$http50" 'BEGIN {print x * 1000}')" "$(awk -v x="$http95" 'BEGIN {print x * 1000}')" "$srv50" \
  "$(awk -v h="$http50" -v s="$srv50" 'BEGIN {print h * 1000 / s}')"
