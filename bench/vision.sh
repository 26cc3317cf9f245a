#!/usr/bin/env bash
# Vision latency over HTTP, p50/p95:
# - face-anonymization on a 512x512 public-domain portrait (scikit-image's astronaut, Debian python3-skimage), boxes
#   only and with the blurred image, with where the time goes (server-side timings);
# - product-category (fashion-mnist-cnn) on the template's 96x96 example and on the 512x512 portrait, with the
#   server-side invoke time (decode + preprocess + model) from the Server-Timing header.
# Usage: mvn -B package -DskipTests && bench/vision.sh [calls=30]
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-30}
photo=/usr/lib/python3/dist-packages/skimage/data/astronaut.png
[ -f "$photo" ] || { echo "apt-get install python3-skimage" >&2; exit 1; }
. bench/lib.sh
start_service
curl -sf -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' \
  -d '{"id":"faces","template":"face-anonymization","name":"Faces"}' > /dev/null
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p); if (i<1) i=1; print a[i] * 1000}'; }
for mode in boxes image; do
  : > "$work/t.txt"; : > "$work/j.txt"
  for i in $(seq 1 $((calls + 5))); do
    curl -s -o "$work/out.json" -w '%{time_total}\n' -XPOST "localhost:$port/api/scenarios/faces/invoke?output=$mode" \
      -H 'Content-Type: image/png' --data-binary @"$photo" > "$work/one.txt"
    [ "$i" -gt 5 ] && cat "$work/one.txt" >> "$work/t.txt" && grep -o '"timings":{[^}]*}' "$work/out.json" >> "$work/j.txt"
  done
  printf 'output=%-5s %d calls: HTTP p50 %.1f ms, p95 %.1f ms; server-side means (ms): %s\n' "$mode" "$calls" \
    "$(pct "$work/t.txt" 0.5)" "$(pct "$work/t.txt" 0.95)" \
    "$(sed -E 's/"timings":\{//; s/\}//' "$work/j.txt" | awk -F'[:,]' '{for (i=1;i<NF;i+=2) {gsub(/"/,"",$i); s[$i]+=$(i+1); n[$i]++}} END {for (k in s) printf "%s %.1f  ", k, s[k]/n[k]}')"
done

curl -sf -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' \
  -d '{"id":"products","template":"product-category","name":"Products"}' > /dev/null
curl -sf "localhost:$port/api/templates/product-category" | python3 -c 'import sys,json,base64; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)["exampleInput"]["image"]))' > "$work/example.png"
for input in example.png astronaut.png; do
  file="$work/$input"; [ "$input" = astronaut.png ] && file=$photo
  : > "$work/t.txt"; : > "$work/s.txt"
  for i in $(seq 1 $((calls + 5))); do
    curl -s -D "$work/h.txt" -o "$work/out.json" -w '%{time_total}\n' -XPOST "localhost:$port/api/scenarios/products/invoke" \
      -H 'Content-Type: image/png' --data-binary @"$file" > "$work/one.txt"
    [ "$i" -gt 5 ] && cat "$work/one.txt" >> "$work/t.txt" && grep -io 'invoke;dur=[0-9.]*' "$work/h.txt" | cut -d= -f2 >> "$work/s.txt"
  done
  printf 'product-category %-13s %d calls: HTTP p50 %.1f ms, p95 %.1f ms; server-side invoke p50 %.2f ms; answer %s\n' \
    "$input" "$calls" "$(pct "$work/t.txt" 0.5)" "$(pct "$work/t.txt" 0.95)" \
    "$(sort -n "$work/s.txt" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "$(grep -o '"label":"[^"]*"' "$work/out.json" | head -1)"
done
