#!/usr/bin/env bash
# FACT at the 2-core default size trained on the real ballroom motion capture (its held-out
# test sequences excluded by the config) mixed with 60 synthetic pairs of the styles the
# capture lacks, then the generation-time settings set in its stored config:
# choice_temperature 0.7 and anchor_seconds 2 (chosen on the validation songs,
# docs/results.md): runs/fact_ballroom.safetensors. Not bundled: on the held-out ballroom
# split (levelled) it poses closer to real than the synthetic-trained FACT and, with learned
# travel (`dancekit dance --model runs/fact_ballroom.safetensors --travel learned`), travels
# within the goal (0.32 m/s at dance seed 0, real 0.54), but its FID_k is higher (127
# against 102 at seed 0); runs with Trainer seeds 1 and 2 did not pass either (results.md).
# 1000 steps, 25-77 min on the 2 cores.
#   bash recipes/fact_ballroom.sh [BALLROOM_DIR]   (default ../shared/data/ballroom)
set -euo pipefail
cd "$(dirname "$0")/.."
BALLROOM=${1:-../shared/data/ballroom}
[ -d "$BALLROOM" ] || { echo "error: no ballroom data at $BALLROOM" >&2; exit 2; }
export OMP_NUM_THREADS=1
[ -d synth60 ] || dancekit synth --n 60 --styles hiphop,house,pop,latin,ballet --seconds 30 \
    --seed 0 --out synth60 --audio-format ogg
dancekit train fact --data "$BALLROOM" --data synth60 --out runs/fact_real \
    --config recipes/fact_ballroom.yaml
python - <<'PY'
from dancekit.checkpoint import read_model, save_model
header, state = read_model("runs/fact_real/model.safetensors")
save_model("runs/fact_ballroom.safetensors", header["model"],
           {**header["config"], "choice_temperature": 0.7, "anchor_seconds": 2.0}, state,
           header["meta"])
PY
