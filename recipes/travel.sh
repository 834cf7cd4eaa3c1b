#!/usr/bin/env bash
# Rebuild src/dancekit/weights/travel/model.safetensors (`dancekit dance --travel learned`,
# the default travel of fact and dance-revolution): the floor velocity real dancers' movement
# implies, learned from the real ballroom motion capture alone (its held-out test sequences
# excluded by the config), 1500 steps, then its speed_scale fitted on the dances it trained on
# (Travel.fit_speed_scale), stored as float16. About 2 minutes on the 2 cores.
# Data card: src/dancekit/weights/travel/README.md.
#   bash recipes/travel.sh [BALLROOM_DIR]   (default ../shared/data/ballroom)
set -euo pipefail
cd "$(dirname "$0")/.."
W=src/dancekit/weights/travel
BALLROOM=${1:-../shared/data/ballroom}
[ -d "$BALLROOM" ] || { echo "error: no ballroom data at $BALLROOM" >&2; exit 2; }
export OMP_NUM_THREADS=1
dancekit train travel --data "$BALLROOM" --out runs/travel --config "$W/train_config.yaml"
python - "$BALLROOM" "$W" <<'PY'
import sys

from dancekit.checkpoint import half_precision, read_model, save_model
from dancekit.data.sources import load_sources
from dancekit.models.travel import Travel
from dancekit.train import TrainConfig
from dancekit.train.run import excluded, load_run_config

ballroom, weights = sys.argv[1], sys.argv[2]
cfg = TrainConfig.from_dict(load_run_config(f"{weights}/train_config.yaml")[1])
run = "runs/travel/model.safetensors"
header, state = read_model(run)
held = set(header["meta"]["val_names"])  # the run's validation sequences
learned = [p.motion for p in excluded(load_sources([ballroom]), cfg.exclude)
           if p.name not in held]
scale = Travel.from_checkpoint(run).fit_speed_scale(learned)
save_model(run, header["model"], {**header["config"], "speed_scale": round(scale, 4)}, state,
           header["meta"])
half_precision(run, f"{weights}/model.safetensors")
print(f"speed_scale {scale:.4f} from {len(learned)} training dances")
PY
