#!/usr/bin/env bash
# Rebuild src/dancekit/weights/dance_tokens_ballroom/model.safetensors (`--model
# dance-tokens-ballroom`): a motion tokenizer, then the code model on it, both trained on the
# real ballroom motion capture (its held-out test sequences excluded by the configs) mixed with
# 60 synthetic pairs of the styles the capture lacks, stored as float16, with the decoded
# motion's smoothing (smooth_frames 6, chosen on training dances by
# studies/tokenizer_smoothing.py). Data card: weights/dance_tokens_ballroom/README.md.
#   bash recipes/dance_tokens_ballroom.sh [BALLROOM_DIR]   (default ../shared/data/ballroom)
set -euo pipefail
cd "$(dirname "$0")/.."
W=src/dancekit/weights/dance_tokens_ballroom
BALLROOM=${1:-../shared/data/ballroom}
[ -d "$BALLROOM" ] || { echo "error: no ballroom data at $BALLROOM" >&2; exit 2; }
export OMP_NUM_THREADS=1
[ -d synth60 ] || dancekit synth --n 60 --styles hiphop,house,pop,latin,ballet --seconds 30 \
    --seed 0 --out synth60 --audio-format ogg
dancekit train motion-vq --data "$BALLROOM" --data synth60 --out runs/vq_real \
    --config "$W/vq_config.yaml"
cp -r runs/vq_real runs/vq_real6k
dancekit train motion-vq --data "$BALLROOM" --data synth60 --out runs/vq_real6k \
    --config "$W/vq_config.yaml" --steps 6000 --resume
dancekit train dance-tokens --data "$BALLROOM" --data synth60 --out runs/tokens_real \
    --config "$W/train_config.yaml"
python studies/tokenizer_smoothing.py runs/vq_real6k/model.safetensors
python - <<'PY'
from dancekit.checkpoint import half_precision, read_model, save_model
half_precision("runs/tokens_real/model.safetensors", "runs/tokens_real_half.safetensors")
header, state = read_model("runs/tokens_real_half.safetensors")
config = {**header["config"],
          "tokenizer_config": {**header["config"]["tokenizer_config"], "smooth_frames": 6.0}}
save_model("src/dancekit/weights/dance_tokens_ballroom/model.safetensors", header["model"],
           config, state, header["meta"])
PY
