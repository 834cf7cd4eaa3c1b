#!/usr/bin/env bash
# Rebuild src/dancekit/weights/dance_tokens/model.safetensors (the default dance model):
# a motion tokenizer trained 3000 steps and resumed to 6000, then the code model on it,
# stored as float16. Data card: src/dancekit/weights/dance_tokens/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
W=src/dancekit/weights/dance_tokens
export OMP_NUM_THREADS=1
[ -d synth600 ] || dancekit synth --n 600 --seconds 30 --seed 0 --out synth600 --audio-format ogg
dancekit train motion-vq --data synth600 --out runs/vq9 --config "$W/vq_config.yaml"
cp -r runs/vq9 runs/vq9_6k
dancekit train motion-vq --data synth600 --out runs/vq9_6k --config "$W/vq_config.yaml" \
    --steps 6000 --resume
dancekit train dance-tokens --data synth600 --out runs/tokens10 --config "$W/train_config.yaml"
python -c "from dancekit.checkpoint import half_precision; \
half_precision('runs/tokens10/model.safetensors', '$W/model.safetensors')"
