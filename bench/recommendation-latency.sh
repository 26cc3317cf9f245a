#!/usr/bin/env bash
# Latency (p50/p95, one client) and throughput (4 clients) of similar-items and personalized-recommendations on
# synthetic catalogues of 10,000 and 100,000 items, with the time to embed the catalogue and learn from the events.
# Usage: mvn -B package -DskipTests && bench/recommendation-latency.sh [sizes="10000 100000"]   (~10 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
start_service
for n in ${1:-10000 100000}; do
  java bench/RecommendationLatency.java "$port" "$n"
done
