#!/usr/bin/env bash
# Did a change slow a normal call? Sequential invoke latency (p50/p95 of N curl calls after 100 warm-up calls) of
# the same three calls on a baseline build and on this one, each started twice in turn (A B A B) so drift on a busy
# machine hits both: review-sentiment text with a scoped API key, and product-category (the shipped ONNX classifier)
# on a 64x64 PNG with the same key. Prints each build's p50/p95 and this build's p50 against the baseline.
# Usage: git worktree add /tmp/base <commit> && (cd /tmp/base && mvn -B -q package -DskipTests)
#        mvn -B package -DskipTests && bench/before-after.sh /tmp/base/target/quarkus-app/quarkus-run.jar [calls=300]
set -euo pipefail
cd "$(dirname "$0")/.."
base_jar=$1
calls=${2:-300}
. bench/lib.sh
text='{"text":"The battery died after two days and support never answered."}'
png64=$(python3 -c "
import base64, io, struct, zlib
w = h = 64
rows = b''.join(b'\x00' + bytes(255 if 20 < x < 44 and 8 < y < 56 else 0 for x in range(w)) for y in range(h))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')
print(base64.b64encode(png).decode())")
image="{\"image\":\"$png64\"}"
results=$(mktemp)

# measure <build label> <scenario> <body> <curl args...>
measure() {
  local label=$1 scenario=$2 body=$3; shift 3
  local times
  times=$(timed_invokes "$scenario" "$body" "$@") # a non-200 ends the script (set -e)
  echo "$label $scenario $times" >> "$results"
}

round() {
  local label=$1 jar=$2
  BENCH_JAR=$jar AIFUNC_AUTH_ENABLED=true start_service
  local admin=(-H "Authorization: Bearer $BENCH_ADMIN_KEY" -H 'Content-Type: application/json')
  curl -sf -o /dev/null -XPOST "localhost:$port/api/scenarios" "${admin[@]}" -d '{"id":"reviews","template":"review-sentiment","name":"Reviews"}'
  curl -sf -o /dev/null -XPOST "localhost:$port/api/scenarios" "${admin[@]}" -d '{"id":"catalogue","template":"product-category","name":"Catalogue"}'
  key=$(curl -sf -XPOST "localhost:$port/api/keys" "${admin[@]}" \
    -d '{"name":"bench","scenarios":["reviews","catalogue"],"ratePerSecond":100000,"burst":100000}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
  measure "$label" reviews "$text" -H "X-API-Key: $key"
  measure "$label" catalogue "$image" -H "X-API-Key: $key"
  kill $pid; wait $pid 2>/dev/null || true; rm -rf "$work"; trap - EXIT
}

for _ in 1 2; do
  round baseline "$base_jar"
  round this target/quarkus-app/quarkus-run.jar
done

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $calls sequential curl calls per round, 2 rounds per build"
for scenario in reviews catalogue; do
  awk -v s="$scenario" '$2 == s {n[$1]++; p50[$1] += $3; p95[$1] += $4}
    END {for (b in n) printf "%-8s %-10s p50 %7.2f ms  p95 %7.2f ms\n", b, s, p50[b] / n[b], p95[b] / n[b];
         if (n["baseline"] && n["this"]) printf "%-8s %-10s p50 this/baseline %.2fx\n", "", s, (p50["this"] / n["this"]) / (p50["baseline"] / n["baseline"])}' "$results"
done
rm -f "$results"
