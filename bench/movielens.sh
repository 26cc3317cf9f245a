#!/usr/bin/env bash
# Offline evaluation of similar-items and personalized-recommendations on MovieLens latest-small (Debian
# r-cran-dslabs, exported at run time with Rscript; GroupLens terms forbid committing a copy): per-user temporal
# split, last 20% held out, ratings >= 4 relevant; prints recall@10 and NDCG@10 next to popularity.
# Usage: mvn -B package -DskipTests && bench/movielens.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v Rscript >/dev/null || ! Rscript -e 'library(dslabs)' >/dev/null 2>&1; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -q --no-install-recommends r-base-core r-cran-dslabs
fi
. bench/lib.sh
start_service
Rscript -e 'library(dslabs); data(movielens); m <- movielens; m$title <- gsub("[\t\n]", " ", m$title);
  write.table(m, file = commandArgs(TRUE)[1], sep = "\t", quote = FALSE, row.names = FALSE, na = "")' "$work/movielens.tsv"
java bench/MovieLensEval.java "$port" "$work/movielens.tsv"
