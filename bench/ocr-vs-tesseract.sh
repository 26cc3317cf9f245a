#!/usr/bin/env bash
# OCR quality and speed, aifunc (PP-OCRv4) next to Tesseract 5 on the same rendered lines (bench/OcrBench.java).
# Needs: the packaged service (mvn -B package -DskipTests), Debian fonts (fonts-dejavu-core fonts-liberation2
# fonts-wqy-zenhei) and, for the comparison, tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/quarkus-app/quarkus-run.jar
[ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000)); dbport=$((port + 1))
AIFUNC_EMBEDDED_DB_DATA_DIR="$work/pg" AIFUNC_EMBEDDED_DB_PORT=$dbport QUARKUS_HTTP_PORT=$port \
  java -jar "$jar" > "$work/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "localhost:$port/q/health/ready" > /dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.2
done
curl -sf -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' \
  -d '{"id":"ocr-bench","template":"ocr","name":"OCR bench","config":{"returnBoxes":false}}' > /dev/null
printf 'machine: %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
java bench/OcrBench.java "http://localhost:$port/api/scenarios/ocr-bench/invoke"
