#!/usr/bin/env bash
# Rebuild src/dancekit/weights/dance_revolution/model.safetensors: Dance Revolution at the
# 2-core default size, trained on the real ballroom capture (its 9 held-out test sequences
# excluded in the config) and 60 synthetic pairs, stored as float16.
# Data card: src/dancekit/weights/dance_revolution/README.md.
# Usage: bash recipes/dance_revolution.sh [BALLROOM_DIR]   (default ../shared/data/ballroom)
set -euo pipefail
cd "$(dirname "$0")/.."
W=src/dancekit/weights/dance_revolution
BALLROOM=${1:-../shared/data/ballroom}
export OMP_NUM_THREADS=1
[ -d synth60 ] || dancekit synth --n 60 --out synth60 --seed 0 \
    --styles hiphop,house,pop,latin,ballet --seconds 30 --fps 30 --audio-format ogg
dancekit train dance-revolution --data "$BALLROOM" --data synth60 --out runs/revolution \
    --config "$W/train_config.yaml"
python -c "from dancekit.checkpoint import half_precision; \
half_precision('runs/revolution/model.safetensors', '$W/model.safetensors')"
