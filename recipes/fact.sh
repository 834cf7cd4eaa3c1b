#!/usr/bin/env bash
# Rebuild src/dancekit/weights/fact/model.safetensors: FACT at the 2-core default size, 1600
# steps on 600 synthetic pairs, then the generation-time choice_temperature 0.7 set in its
# stored config. Data card: src/dancekit/weights/fact/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
[ -d synth600 ] || dancekit synth --n 600 --seconds 30 --seed 0 --out synth600 --audio-format ogg
dancekit train fact --data synth600 --out runs/main10 \
    --config src/dancekit/weights/fact/train_config.yaml
python - <<'PY'
from dancekit.checkpoint import read_model, save_model

header, state = read_model("runs/main10/model.safetensors")
save_model("src/dancekit/weights/fact/model.safetensors", header["model"],
           {**header["config"], "choice_temperature": 0.7}, state, header["meta"])
PY
