#!/usr/bin/env bash
# Rebuild src/dancekit/weights/travel/model.safetensors (`dancekit dance --travel learned`,
# the default travel of fact and dance-revolution): the floor velocity real dancers' movement
# implies, learned from the real ballroom motion capture alone (its held-out test sequences
# excluded by the config), 1500 steps, stored as float16. About 2 minutes on the 2 cores.
# Data card: src/dancekit/weights/travel/README.md.
#   bash recipes/travel.sh [BALLROOM_DIR]   (default ../shared/data/ballroom)
set -euo pipefail
cd "$(dirname "$0")/.."
W=src/dancekit/weights/travel
BALLROOM=${1:-../shared/data/ballroom}
[ -d "$BALLROOM" ] || { echo "error: no ballroom data at $BALLROOM" >&2; exit 2; }
export OMP_NUM_THREADS=1
dancekit train travel --data "$BALLROOM" --out runs/travel --config "$W/train_config.yaml"
python -c "from dancekit.checkpoint import half_precision; \
half_precision('runs/travel/model.safetensors', '$W/model.safetensors')"
