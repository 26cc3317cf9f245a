#!/usr/bin/env bash
# Speed, side by side, in ONE run on this machine, for the same model (minilm-l6-v2, the text-embedding template in
# English) and the same inputs, one sentence and 32 sentences:
#   raw ONNX Runtime in-process (the limit: bench/RawOrt.java, same model file and tokens, 1 intra-op thread)
#   aifunc over HTTP at concurrency 1 and 16 (bench/Load.java, closed loop), with dynamic batching (the default)
#   aifunc with batching off (AIFUNC_MODELS_BATCHING_ENABLED=false), at concurrency 16
#   transformers.js on Node behind a minimal HTTP server (bench/transformers-server.mjs), at concurrency 1 and 16
# and prints the ratios, RSS before and after $big requests, and the time to ready.
# Usage: mvn -B package -DskipTests && bench/speed.sh [requests=2000] [big=20000]
# transformers.js is installed once into bench/.node from the npm registry (@huggingface/transformers 4.3.2).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-2000}
big=${2:-20000}
. bench/lib.sh
lib='target/quarkus-app/lib/main/*'
tmp=$(mktemp -d)
one='{"text":"The battery died after two days and support never answered."}'
echo "$one" > "$tmp/one.json"
sentences=()
for i in $(seq 1 32); do sentences+=("Customer $i wrote that the parcel arrived late and the box was damaged."); done
printf '%s\n' "${sentences[@]}" > "$tmp/sentences.txt"
printf '{"inputs":[%s]}' "$(printf '{"text":"%s"},' "${sentences[@]}" | sed 's/,$//')" > "$tmp/batch32.json"
load() { java bench/Load.java "$@"; }   # URL BODY CONCURRENCY REQUESTS -> p50 p95 rps errors
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$1/status; }
create='{"id":"emb","template":"text-embedding","name":"Bench","config":{"language":"en"}}'

# 1. aifunc, batching on (the default)
start_service
ready=$ready_ms
curl -sf -o /dev/null -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' -d "$create"
url="http://localhost:$port/api/scenarios/emb"
read -r a1_p50 a1_p95 a1_rps a1_err <<< "$(load "$url/invoke" "$tmp/one.json" 1 "$requests")"
read -r a32_p50 a32_p95 a32_rps a32_err <<< "$(load "$url/invoke-batch" "$tmp/batch32.json" 1 $((requests / 10)))"
rss_before=$(rss $pid)
read -r a16_p50 a16_p95 a16_rps a16_err <<< "$(load "$url/invoke" "$tmp/one.json" 16 "$big")"
rss_after=$(rss $pid)
read -r a16b_p50 a16b_p95 a16b_rps a16b_err <<< "$(load "$url/invoke-batch" "$tmp/batch32.json" 16 $((requests / 10)))"
model_dir="${TMPDIR:-/tmp}/aifunc-models/minilm-l6-v2"
kill $pid; wait $pid 2>/dev/null || true; rm -rf "$work"

# 2. raw ONNX Runtime, same model file and tokens
read -r raw1 raw32 <<< "$(java -cp "$lib" bench/RawOrt.java "$model_dir" "$tmp/sentences.txt" "$requests")"

# 3. aifunc, batching off
AIFUNC_MODELS_BATCHING_ENABLED=false start_service
curl -sf -o /dev/null -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' -d "$create"
url="http://localhost:$port/api/scenarios/emb"
read -r n16_p50 n16_p95 n16_rps n16_err <<< "$(load "$url/invoke" "$tmp/one.json" 16 "$requests")"
kill $pid; wait $pid 2>/dev/null || true; rm -rf "$work"

# 4. transformers.js on Node, same model file
t1_p50=-; t16_rps=-; t16_p50=-; t32_p50=-
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
    read -r t1_p50 t1_p95 t1_rps t1_err <<< "$(load "http://127.0.0.1:$tport/" "$tmp/one.json" 1 "$requests")"
    read -r t32_p50 t32_p95 t32_rps t32_err <<< "$(load "http://127.0.0.1:$tport/" "$tmp/batch32.json" 1 $((requests / 10)))"
    read -r t16_p50 t16_p95 t16_rps t16_err <<< "$(load "http://127.0.0.1:$tport/" "$tmp/one.json" 16 "$requests")"
  else
    echo "transformers.js did not start:"; cat "$tmp/node.log"
  fi
  kill $npid 2>/dev/null || true
fi
rm -rf "$tmp"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "-" || a == "-" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
printf '\nmachine: %s cores, load average %s; model minilm-l6-v2 (384-d), 1 intra-op thread per inference\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-46s %10s %10s %10s\n' "" "p50 ms" "p95 ms" "req/s"
printf '%-46s %10s %10s %10s\n' "raw ONNX Runtime, 1 sentence (in-process)" "$raw1" "" ""
printf '%-46s %10s %10s %10s\n' "raw ONNX Runtime, 32 sentences (one call)" "$raw32" "" ""
printf '%-46s %10s %10s %10s\n' "aifunc HTTP c=1, 1 sentence" "$a1_p50" "$a1_p95" "$a1_rps"
printf '%-46s %10s %10s %10s\n' "aifunc HTTP c=1, 32 sentences (invoke-batch)" "$a32_p50" "$a32_p95" "$a32_rps"
printf '%-46s %10s %10s %10s\n' "aifunc HTTP c=16, 1 sentence ($big requests)" "$a16_p50" "$a16_p95" "$a16_rps"
printf '%-46s %10s %10s %10s\n' "aifunc HTTP c=16, 32 sentences" "$a16b_p50" "$a16b_p95" "$a16b_rps"
printf '%-46s %10s %10s %10s\n' "aifunc batching off, c=16, 1 sentence" "$n16_p50" "$n16_p95" "$n16_rps"
printf '%-46s %10s %10s %10s\n' "transformers.js HTTP c=1, 1 sentence" "$t1_p50" "" ""
printf '%-46s %10s %10s %10s\n' "transformers.js HTTP c=1, 32 sentences" "$t32_p50" "" ""
printf '%-46s %10s %10s %10s\n' "transformers.js HTTP c=16, 1 sentence" "$t16_p50" "" "$t16_rps"
printf '\nerrors: aifunc %s/%s/%s/%s, batching off %s\n' "$a1_err" "$a32_err" "$a16_err" "$a16b_err" "$n16_err"
printf 'aifunc p50 / raw p50, c=1, 1 sentence:            %s   (target <= 1.10x)\n' "$(ratio "$a1_p50" "$raw1")"
printf 'aifunc p50 / raw p50, c=1, 32 sentences:          %s\n' "$(ratio "$a32_p50" "$raw32")"
printf 'aifunc / transformers.js throughput, c=16:        %s   (target >= 1.5x)\n' "$(ratio "$a16_rps" "$t16_rps")"
printf 'aifunc / batching-off throughput, c=16:           %s   (target >= 2x)\n' "$(ratio "$a16_rps" "$n16_rps")"
printf 'RSS before / after %s requests: %s / %s MiB   (%s; target within 5%%)\n' "$big" "$rss_before" "$rss_after" "$(ratio "$rss_after" "$rss_before")"
printf 'time to ready (process start -> /q/health/ready 200, default packs warm): %s ms   (target < 5000)\n' "$ready"
