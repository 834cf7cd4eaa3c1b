#!/usr/bin/env bash
# Rebuild src/dancekit/weights/dance_tokens_ballroom/model.safetensors (`--model
# dance-tokens-ballroom`): a heading-free motion tokenizer with the root and pelvis weighted
# 20x in its loss and the joints' places and speeds in it too, then the code model on it
# (each window reading the dance tokenized from one of its first 8 frames: `phases: 8`; the
# couple standing before and after each dance left out: `trim_still`; checkpoints holding
# the moving average of its weights: `ema`; no code drawn more times in a row than its
# training data holds it: `cap_runs`), both trained on the real ballroom motion capture
# (levelled: docs/ballroom_data.md; its held-out test sequences excluded by the configs)
# mixed with 60 synthetic pairs of the styles the capture lacks; the code model's
# checkpoint of lowest validation cross-entropy, stored as float16. No smoothing of the decoded motion
# (studies/tokenizer_smoothing.py chooses 0 for this tokenizer). Data card:
# weights/dance_tokens_ballroom/README.md.
#   bash recipes/dance_tokens_ballroom.sh [BALLROOM_DIR]   (default ../shared/data/ballroom)
set -euo pipefail
cd "$(dirname "$0")/.."
W=src/dancekit/weights/dance_tokens_ballroom
BALLROOM=${1:-../shared/data/ballroom}
[ -d "$BALLROOM" ] || { echo "error: no ballroom data at $BALLROOM" >&2; exit 2; }
export OMP_NUM_THREADS=1
[ -d synth60 ] || dancekit synth --n 60 --styles hiphop,house,pop,latin,ballet --seconds 30 \
    --seed 0 --out synth60 --audio-format ogg
dancekit train motion-vq --data "$BALLROOM" --data synth60 --out runs/vq_pw5 \
    --config "$W/vq_config.yaml"
dancekit train dance-tokens --data "$BALLROOM" --data synth60 --out runs/tokens_trim \
    --config "$W/train_config.yaml"
python studies/tokenizer_smoothing.py runs/vq_pw5/model.safetensors
python - <<'PY'
import csv

from dancekit.checkpoint import half_precision

with open("runs/tokens_trim/log.csv") as f:
    val = [(float(r["value"]), int(r["step"])) for r in csv.DictReader(f)
           if r["split"] == "val" and r["metric"] == "val_loss"]
step = min(val)[1]
print(f"lowest validation cross-entropy at step {step}")
half_precision(f"runs/tokens_trim/model_step{step}.safetensors",
               "src/dancekit/weights/dance_tokens_ballroom/model.safetensors")
PY
