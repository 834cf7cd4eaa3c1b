#!/usr/bin/env bash
# Rebuild src/dancekit/weights/fact_ballroom/model.safetensors (`--model fact-ballroom`): FACT
# at the 2-core default size trained on the real ballroom motion capture (its held-out test
# sequences excluded by the config) mixed with 60 synthetic pairs of the styles the capture
# lacks, 1000 steps, Trainer seed 3; then the generation-time settings set in its stored
# config, choice_temperature 0.7 and anchor_seconds 2 (chosen on the validation songs,
# docs/results.md), stored as float16. 25-77 min on the 2 cores.
# Data card: src/dancekit/weights/fact_ballroom/README.md.
#   bash recipes/fact_ballroom.sh [BALLROOM_DIR]   (default ../shared/data/ballroom)
set -euo pipefail
cd "$(dirname "$0")/.."
W=src/dancekit/weights/fact_ballroom
BALLROOM=${1:-../shared/data/ballroom}
[ -d "$BALLROOM" ] || { echo "error: no ballroom data at $BALLROOM" >&2; exit 2; }
export OMP_NUM_THREADS=1
[ -d synth60 ] || dancekit synth --n 60 --styles hiphop,house,pop,latin,ballet --seconds 30 \
    --seed 0 --out synth60 --audio-format ogg
dancekit train fact --data "$BALLROOM" --data synth60 --out runs/fact_real \
    --config "$W/train_config.yaml"
python - "$W" <<'PY'
import sys

from dancekit.checkpoint import half_precision, read_model, save_model

weights = sys.argv[1]
header, state = read_model("runs/fact_real/model.safetensors")
save_model("runs/fact_ballroom.safetensors", header["model"],
           {**header["config"], "choice_temperature": 0.7, "anchor_seconds": 2.0}, state,
           header["meta"])
half_precision("runs/fact_ballroom.safetensors", f"{weights}/model.safetensors")
PY
