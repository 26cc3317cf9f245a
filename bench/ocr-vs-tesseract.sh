#!/usr/bin/env bash
# OCR quality and speed, aifunc (PP-OCRv4) next to Tesseract 5 on the same rendered lines (bench/OcrBench.java).
# Needs: the packaged service (mvn -B package -DskipTests), Debian fonts (fonts-dejavu-core fonts-liberation2
# fonts-wqy-zenhei) and, for the comparison, tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
start_service
curl -sf -XPOST "localhost:$port/api/scenarios" -H 'Content-Type: application/json' \
  -d '{"id":"ocr-bench","template":"ocr","name":"OCR bench","config":{"returnBoxes":false}}' > /dev/null
printf 'machine: %s cores, load average %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
java bench/OcrBench.java "http://localhost:$port/api/scenarios/ocr-bench/invoke"
