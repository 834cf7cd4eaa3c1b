#!/usr/bin/env bash
# Rebuild src/dancekit/weights/d2m/model.safetensors: Dancing to Music (DU-VAE, then MM-GAN)
# at the 2-core default size, trained on the real ballroom capture (its 9 held-out test
# sequences excluded in the config), stored as float16.
# Data card: src/dancekit/weights/d2m/README.md.
# Usage: bash recipes/d2m.sh [BALLROOM_DIR]   (default ../shared/data/ballroom)
set -euo pipefail
cd "$(dirname "$0")/.."
W=src/dancekit/weights/d2m
BALLROOM=${1:-../shared/data/ballroom}
export OMP_NUM_THREADS=1
dancekit train d2m --data "$BALLROOM" --out runs/d2m --config "$W/train_config.yaml"
python -c "from dancekit.checkpoint import half_precision; \
half_precision('runs/d2m/model.safetensors', '$W/model.safetensors')"
