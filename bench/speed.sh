#!/usr/bin/env bash
# Speed, side by side, in ONE run on this machine, for the same model (minilm-l6-v2, the text-embedding template in
# English) and the same inputs, one sentence and 32 sentences:
#   raw ONNX Runtime in-process (the limit: bench/RawOrt.java, same model file and tokens, 1 intra-op thread),
#     measured before and after the HTTP runs (the median of both, as this machine's speed drifts)
#   aifunc over HTTP at concurrency 1 and 16, with dynamic batching (the default)
#   aifunc with batching off (AIFUNC_MODELS_BATCHING_ENABLED=false), at concurrency 16
#   transformers.js on Node behind a minimal HTTP server (bench/transformers-server.mjs), at concurrency 1 and 16
# and prints the ratios, RSS before and after $big requests, the time to ready (fresh and on restart) and the cost
# of the first call after a restart. The load generator is wrk (Debian package `wrk`; bench/wrk-post.lua), one
# thread, closed loop, keep-alive connections.
# Usage: mvn -B package -DskipTests && bench/speed.sh [requests=2000] [big=20000]
# transformers.js is installed once into bench/.node from the npm registry (@huggingface/transformers 4.3.2).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-2000}
big=${2:-20000}
command -v wrk > /dev/null || { echo "bench/speed.sh needs wrk: apt-get install wrk" >&2; exit 1; }
. bench/lib.sh
lib='target/quarkus-app/lib/main/*'
tmp=$(mktemp -d)
one='{"text":"The battery died after two days and support never answered."}'
echo "$one" > "$tmp/one.json"
sentences=()
for i in $(seq 1 32); do sentences+=("Customer $i wrote that the parcel arrived late and the box was damaged."); done
{ echo "The battery died after two days and support never answered."; printf '%s\n' "${sentences[@]}"; } > "$tmp/sentences.txt"
printf '{"inputs":[%s]}' "$(printf '{"text":"%s"},' "${sentences[@]}" | sed 's/,$//')" > "$tmp/batch32.json"
# URL BODY CONCURRENCY REQUESTS -> "p50_ms p95_ms req_per_s errors model_p50_ms requests": a 10 s warm-up (both
# JITs settle) gives the rate, then a run long enough for about REQUESTS requests (wrk runs for a time, not a count);
# a request taking over 30 s counts as an error
load() {
  local rate seconds
  rate=$(WRK_BODY=$2 wrk -t1 -c"$3" -d10s --timeout 30s -s bench/wrk-post.lua "$1" | awk '/^RESULT/ {print $4}')
  seconds=$(awk -v n="$4" -v r="$rate" 'BEGIN { s = int(n / (r > 0 ? r : 1)) + 1; print (s < 3 ? 3 : s) }')
  WRK_BODY=$2 wrk -t1 -c"$3" -d"${seconds}s" --timeout 30s -s bench/wrk-post.lua "$1" | awk '/^RESULT/ {print $2, $3, $4, $5, $6, $7}'
}
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$1/status; }
# the time of one curl call in ms
once() { curl -s -o /dev/null -w '%{time_total}' -XPOST "$1" -H 'Content-Type: application/json' --data-binary @"$2" | awk '{printf "%.2f", $1 * 1000}'; }
create='{"id":"emb","template":"text-embedding","name":"Bench","config":{"language":"en"}}'
model_dir="${TMPDIR:-/tmp}/aifunc-models/minilm-l6-v2"
raw() { java -cp "$lib" bench/RawOrt.java "$model_dir" "$tmp/sentences.txt" "$requests" 2 2> /dev/null; }

# 1. aifunc, batching on (the default), on a database kept for the restart in step 2
data="$tmp/pg"
BENCH_DATA_DIR=$data start_service
ready=$ready_ms
curl -sf -o /dev/null -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' -d "$create"
read -r rawA1 rawA32 rawAp <<< "$(raw)"   # the model files exist now
url="http://127.0.0.1:$port/api/scenarios/emb"
read -r a1_p50 a1_p95 a1_rps a1_err a1_model _ <<< "$(load "$url/invoke" "$tmp/one.json" 1 "$requests")"
read -r a32_p50 a32_p95 a32_rps a32_err a32_model _ <<< "$(load "$url/invoke-batch" "$tmp/batch32.json" 1 $((requests / 10)))"
rss_before=$(rss $pid)
read -r a16_p50 a16_p95 a16_rps a16_err a16_model a16_n <<< "$(load "$url/invoke" "$tmp/one.json" 16 "$big")"
rss_after=$(rss $pid)
read -r a16b_p50 a16b_p95 a16b_rps a16b_err a16b_model _ <<< "$(load "$url/invoke-batch" "$tmp/batch32.json" 16 $((requests / 10)))"
batches=$(curl -s "localhost:$port/q/metrics" | awk '/^aifunc_batch_size_(count|sum)\{model="minilm-l6-v2"/ {v[$1 ~ /count/ ? "c" : "s"] = $2} END {if (v["c"] > 0) printf "%.1f", v["s"] / v["c"]; else print "-"}')
kill $pid; wait $pid 2>/dev/null || true; rm -rf "$work"

# 2. restart on the same database: time to ready with the scenario warm, then the first call against steady ones
BENCH_DATA_DIR=$data start_service
restart_ready=$ready_ms
first=$(once "http://127.0.0.1:$port/api/scenarios/emb/invoke" "$tmp/one.json")
steady=$(for _ in $(seq 1 21); do once "http://127.0.0.1:$port/api/scenarios/emb/invoke" "$tmp/one.json"; echo; done | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
kill $pid; wait $pid 2>/dev/null || true; rm -rf "$work"

# 3. aifunc, batching off
AIFUNC_MODELS_BATCHING_ENABLED=false start_service
curl -sf -o /dev/null -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' -d "$create"
url="http://127.0.0.1:$port/api/scenarios/emb"
read -r n16_p50 n16_p95 n16_rps n16_err n16_model _ <<< "$(load "$url/invoke" "$tmp/one.json" 16 "$requests")"
kill $pid; wait $pid 2>/dev/null || true; rm -rf "$work"

# 4. transformers.js on Node, same model file
t1_p50=-; t1_p95=-; t16_rps=-; t16_p50=-; t16_p95=-; t32_p50=-; t_err=-
if command -v node > /dev/null && command -v npm > /dev/null; then
  if [ ! -d bench/.node/node_modules/@huggingface/transformers ]; then
    mkdir -p bench/.node
    (cd bench/.node && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error @huggingface/transformers@4.3.2 > /dev/null)
  fi
  models="$tmp/models"; mkdir -p "$models/minilm/onnx"
  cp "$model_dir/model.onnx" "$models/minilm/onnx/model.onnx"; cp "$model_dir/tokenizer.json" "$models/minilm/"
  echo '{"model_type":"bert","architectures":["BertModel"],"hidden_size":384,"num_attention_heads":12,"num_hidden_layers":6,"intermediate_size":1536,"vocab_size":30522,"max_position_embeddings":512,"type_vocab_size":2}' > "$models/minilm/config.json"
  echo '{"tokenizer_class":"BertTokenizer","do_lower_case":true,"model_max_length":256}' > "$models/minilm/tokenizer_config.json"
  tport=$((port + 7))
  cp bench/transformers-server.mjs bench/.node/server.mjs
  node bench/.node/server.mjs "$models" "$tport" > "$tmp/node.log" 2>&1 &
  npid=$!
  for _ in $(seq 1 300); do grep -q ready "$tmp/node.log" && break; kill -0 $npid 2>/dev/null || break; sleep 0.1; done
  if grep -q ready "$tmp/node.log"; then
    read -r t1_p50 t1_p95 t1_rps t1_err _ <<< "$(load "http://127.0.0.1:$tport/" "$tmp/one.json" 1 "$requests")"
    read -r t32_p50 t32_p95 t32_rps t32_err _ <<< "$(load "http://127.0.0.1:$tport/" "$tmp/batch32.json" 1 $((requests / 10)))"
    read -r t16_p50 t16_p95 t16_rps t16_err _ <<< "$(load "http://127.0.0.1:$tport/" "$tmp/one.json" 16 "$requests")"
    t_err="$t1_err/$t32_err/$t16_err"
  else
    echo "transformers.js did not start:"; cat "$tmp/node.log"
  fi
  kill $npid 2>/dev/null || true
fi

# 5. raw ONNX Runtime again, and the median of both runs
read -r rawB1 rawB32 rawBp <<< "$(raw)"
rm -rf "$tmp"
mid() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (a + b) / 2 }'; }
raw1=$(mid "$rawA1" "$rawB1"); raw32=$(mid "$rawA32" "$rawB32"); rawp=$(mid "$rawAp" "$rawBp")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "-" || a == "-" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
row() { printf '%-50s %9s %9s %9s %9s\n' "$@"; }
printf '\nmachine: %s cores, load average %s; model minilm-l6-v2 (384-d), 1 intra-op thread per inference\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
row "" "p50 ms" "p95 ms" "req/s" "model ms"
row "raw ONNX Runtime, 1 sentence, back to back" "$raw1" "" "" "($rawA1 / $rawB1)"
row "raw ONNX Runtime, 1 sentence, 2 ms apart" "$rawp" "" "" "($rawAp / $rawBp)"
row "raw ONNX Runtime, 32 sentences (one call)" "$raw32" "" "" "($rawA32 / $rawB32)"
row "aifunc HTTP c=1, 1 sentence" "$a1_p50" "$a1_p95" "$a1_rps" "$a1_model"
row "aifunc HTTP c=1, 32 sentences (invoke-batch)" "$a32_p50" "$a32_p95" "$a32_rps" "$a32_model"
row "aifunc HTTP c=16, 1 sentence ($a16_n requests)" "$a16_p50" "$a16_p95" "$a16_rps" "$a16_model"
row "aifunc HTTP c=16, 32 sentences" "$a16b_p50" "$a16b_p95" "$a16b_rps" "$a16b_model"
row "aifunc batching off, c=16, 1 sentence" "$n16_p50" "$n16_p95" "$n16_rps" "$n16_model"
row "transformers.js HTTP c=1, 1 sentence" "$t1_p50" "$t1_p95" "" ""
row "transformers.js HTTP c=1, 32 sentences" "$t32_p50" "" "" ""
row "transformers.js HTTP c=16, 1 sentence" "$t16_p50" "$t16_p95" "$t16_rps" ""
printf '\nerrors: aifunc %s/%s/%s/%s, batching off %s, transformers.js %s; mean batch %s texts\n' "$a1_err" "$a32_err" "$a16_err" "$a16b_err" "$n16_err" "$t_err" "$batches"
printf 'aifunc p50 / raw p50, c=1, 1 sentence:            %s   (target <= 1.10x; %s against raw 2 ms apart)\n' "$(ratio "$a1_p50" "$raw1")" "$(ratio "$a1_p50" "$rawp")"
printf 'aifunc model time / raw p50, c=1, 1 sentence:     %s   (the service without HTTP)\n' "$(ratio "$a1_model" "$raw1")"
printf 'aifunc p50 / raw p50, c=1, 32 sentences:          %s\n' "$(ratio "$a32_p50" "$raw32")"
printf 'aifunc / transformers.js throughput, c=16:        %s   (target >= 1.5x)\n' "$(ratio "$a16_rps" "$t16_rps")"
printf 'aifunc / batching-off throughput, c=16:           %s   (target >= 2x)\n' "$(ratio "$a16_rps" "$n16_rps")"
printf 'RSS before / after %s requests at c=16: %s / %s MiB   (%s; target within 5%%)\n' "$a16_n" "$rss_before" "$rss_after" "$(ratio "$rss_after" "$rss_before")"
printf 'time to ready (process start -> /q/health/ready 200, default packs warm): %s ms fresh, %s ms on restart   (target < 5000)\n' "$ready" "$restart_ready"
printf 'first call after the restart / steady call (curl): %s / %s ms = %s   (target <= 2x)\n' "$first" "$steady" "$(ratio "$first" "$steady")"
