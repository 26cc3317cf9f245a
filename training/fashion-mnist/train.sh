#!/usr/bin/env bash
# Trains the fashion-mnist-cnn pack and writes it to src/main/resources/packs/fashion-mnist-cnn/
# (model.onnx, labels.txt, MODEL_CARD.md). Installs Debian's dataset-fashion-mnist when it is missing; the dataset
# is never committed. Usage: training/fashion-mnist/train.sh [epochs]   (about 15 minutes on 2 cores)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data=/usr/share/datasets/fashion-mnist
out="$here/../../src/main/resources/packs/fashion-mnist-cnn"
if [ ! -f "$data/t10k-labels-idx1-ubyte.gz" ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -q --no-install-recommends dataset-fashion-mnist \
    || { $sudo_cmd apt-get update -q && $sudo_cmd apt-get install -y -q --no-install-recommends dataset-fashion-mnist; }
fi
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}" OPT_OUT_TRACKING=true
cd "$here"
mvn -B -q compile exec:java -Dai.djl.offline=true -Dexec.args="$data $out ${1:-12}" < /dev/null
