#!/usr/bin/env bash
# Soak (not a test): N minutes at saturation on loopback with a mixed workload, printing per minute the calls,
# p50/p99, non-2xx answers and socket errors of each kind, the service's RSS, threads and open files, and whether
# the answers are still the ones of the first minute. Five kinds run at once, 16 connections in all:
#   text     review-sentiment, one sentence                                      (6 connections)
#   image    product-category on the template's 96x96 example PNG                (3)
#   faces    face-anonymization, boxes only, on a 512x512 portrait (python3-skimage's astronaut)  (2)
#   similar  similar-items over a 2,000-item synthetic catalogue                  (3)
#   foryou   personalized-recommendations learned from 6,000 events, 60 more appended each minute  (2)
# Bounded in time: each minute is one 60 s wrk run per kind; the service is stopped at the end.
# The JVM is sized as in the Kubernetes limit unless BENCH_JAVA_OPTS says otherwise (-XX:MaxRAM=2560m: heap 640 MiB).
# Usage: mvn -B package -DskipTests && bench/soak.sh [minutes=30]   (a few minutes more than that)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
secs=${SOAK_MINUTE_S:-60} # length of one "minute" (shorter only to try the script)
photo=/usr/lib/python3/dist-packages/skimage/data/astronaut.png
[ -f "$photo" ] || { echo "apt-get install python3-skimage" >&2; exit 1; }
command -v wrk > /dev/null || { echo "apt-get install wrk" >&2; exit 1; }
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:MaxRAM=2560m}
. bench/lib.sh
start_service
api=localhost:$port/api/scenarios
create() { curl -sf -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' \
  -d "{\"id\":\"$1\",\"template\":\"$2\",\"name\":\"$1\"}" > /dev/null; }
create reviews review-sentiment
create products product-category
create faces face-anonymization
create similar similar-items
create foryou personalized-recommendations
python3 - "$work" <<'PY'
import json, random, sys
work = sys.argv[1]
random.seed(7)
words = "amber basil cedar delta ember fjord glade harbor indigo jasper kestrel lumen meadow nectar onyx prism".split()
with open(f"{work}/items.jsonl", "w") as f:
    for i in range(2000):
        t = " ".join(random.choice(words) for _ in range(3))
        f.write(json.dumps({"id": f"i{i}", "title": f"{t} {i}", "category": f"c{i % 20}",
                            "description": f"A {random.choice(words)} item for {random.choice(words)} lovers."}) + "\n")
with open(f"{work}/events.jsonl", "w") as f:
    for u in range(600):
        for _ in range(10):
            f.write(json.dumps({"userId": f"u{u}", "itemId": f"i{int(random.random() ** 3 * 2000)}"}) + "\n")
for name, body in {"text": {"text": "An absolutely wonderful film, I loved every minute of it."},
                   "similar": {"itemId": "i17", "topK": 10}, "foryou": {"userId": "u3", "topK": 10}}.items():
    json.dump(body, open(f"{work}/{name}.json", "w"))
PY
curl -sf "localhost:$port/api/templates/product-category" | python3 -c \
  'import sys,json,base64; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)["exampleInput"]["image"]))' \
  > "$work/image.bin"
cp "$photo" "$work/faces.bin"
for id in similar foryou; do
  curl -sf -XPUT "$api/$id/datasets/items" -H 'Content-Type: application/x-ndjson' --data-binary @"$work/items.jsonl" > /dev/null
done
curl -sf -XPOST "$api/foryou/events" -H 'Content-Type: application/x-ndjson' --data-binary @"$work/events.jsonl" > /dev/null
sleep 5 # the recommendation model learns in the background

# kind path content-type body connections
kinds="text reviews/invoke application/json text.json 6
image products/invoke image/png image.bin 3
faces faces/invoke?output=boxes image/png faces.bin 2
similar similar/invoke application/json similar.json 3
foryou foryou/invoke application/json foryou.json 2"
# one answer per kind, reduced to what must not change: the label, the face count, the first similar item
probe() {
  local text image faces similar foryou
  text=$(curl -s -XPOST "$api/reviews/invoke" -H 'Content-Type: application/json' -d @"$work/text.json" | python3 -c 'import sys,json; print(json.load(sys.stdin)["label"])' 2>/dev/null || echo error)
  image=$(curl -s -XPOST "$api/products/invoke" -H 'Content-Type: image/png' --data-binary @"$work/image.bin" | python3 -c 'import sys,json; print(json.load(sys.stdin)["label"])' 2>/dev/null || echo error)
  faces=$(curl -s -XPOST "$api/faces/invoke?output=boxes" -H 'Content-Type: image/png' --data-binary @"$work/faces.bin" | python3 -c 'import sys,json; print(len(json.load(sys.stdin)["faces"]), "faces")' 2>/dev/null || echo error)
  similar=$(curl -s -XPOST "$api/similar/invoke" -H 'Content-Type: application/json' -d @"$work/similar.json" | python3 -c 'import sys,json; print(json.load(sys.stdin)["items"][0]["id"])' 2>/dev/null || echo error)
  foryou=$(curl -s -XPOST "$api/foryou/invoke" -H 'Content-Type: application/json' -d @"$work/foryou.json" | python3 -c 'import sys,json; print(len(json.load(sys.stdin)["items"]), "items")' 2>/dev/null || echo error)
  echo "$text / $image / $faces / $similar / $foryou"
}
first=$(probe)
echo "soak: $minutes min, service pid $pid on port $port, ready in $ready_ms ms; answers at the start: $first"
rss() { awk '/VmRSS/ {printf "%d", $2 / 1024}' /proc/$pid/status; }
rss0=$(rss)
printf '%-4s %-7s %8s %8s %8s %8s %6s %6s  %s\n' min kind calls "req/s" "p50 ms" "p99 ms" non2xx sockerr codes
declare -A total_calls total_bad
wrk_failed=0
for m in $(seq 1 "$minutes"); do
  wrks=()
  while read -r kind path type body conns; do
    WRK_BODY="$work/$body" WRK_TYPE=$type wrk -t1 -c"$conns" -d${secs}s --timeout 10s -s bench/wrk-soak.lua \
      "http://localhost:$port/api/scenarios/$path" > "$work/wrk-$kind.txt" 2>&1 &
    wrks+=($!)
  done <<< "$kinds"
  # a learned model that keeps changing under the load: more events during the minute
  head -60 "$work/events.jsonl" | sed "s/\"u\([0-9]*\)\"/\"m$m-\1\"/" > "$work/more.jsonl"
  curl -s -o /dev/null -XPOST "$api/foryou/events" -H 'Content-Type: application/x-ndjson' --data-binary @"$work/more.jsonl"
  wait "${wrks[@]}" || true
  kill -0 $pid 2>/dev/null || { echo "the service died"; tail -50 "$work/service.log"; exit 1; }
  while read -r kind _; do
    if ! grep -q '^RESULT' "$work/wrk-$kind.txt"; then
      wrk_failed=$((wrk_failed + 1)); echo "$m $kind: wrk printed no result:"; cat "$work/wrk-$kind.txt"; continue
    fi
    read -r _ calls rps p50 p99 bad sock codes < <(grep '^RESULT' "$work/wrk-$kind.txt")
    printf '%-4s %-7s %8s %8s %8s %8s %6s %6s  %s\n' "$m" "$kind" "$calls" "$rps" "$p50" "$p99" "$bad" "$sock" "$codes"
    total_calls[$kind]=$(( ${total_calls[$kind]:-0} + calls ))
    total_bad[$kind]=$(( ${total_bad[$kind]:-0} + bad + sock ))
  done <<< "$kinds"
  now=$(probe)
  printf '%-4s RSS %d MiB, %d threads, %d open files, errors logged %d; answers %s\n' "$m" "$(rss)" \
    "$(ls /proc/$pid/task | wc -l)" "$(ls /proc/$pid/fd | wc -l)" "$(grep -c ' ERROR ' "$work/service.log" || true)" \
    "$([ "$now" = "$first" ] && echo "as at the start" || echo "CHANGED: $now")"
done
echo "== totals over $minutes min (wrk runs without a result: $wrk_failed)"
for kind in text image faces similar foryou; do
  printf '%-8s %9d calls, %d not 2xx or failed\n' "$kind" "${total_calls[$kind]:-0}" "${total_bad[$kind]:-0}"
done
rss1=$(rss)
echo "RSS after the first probe / at the end: $rss0 / $rss1 MiB ($(awk -v a="$rss0" -v b="$rss1" 'BEGIN {printf "%.2fx", b / a}'))"
