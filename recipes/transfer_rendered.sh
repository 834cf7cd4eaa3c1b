#!/usr/bin/env bash
# The motion-transfer pictures of docs/transfer.md: a target rendered by dancekit from real
# motion capture (10 s of the ballroom cha-cha DANCE_C_7, the capsule body filmed by the still
# camera whose projection gives its keypoints), trained on with the measured run's settings
# (128 x 80, 450 steps of batch 4, temporal setup, one thread), then the quality table and the
# contact sheet docs/images/transfer_rendered.png. No detector needed; in the pose extra's
# environment (POSE_PY=.venv-pose/bin/python) the table adds the pose distance.
set -euo pipefail
cd "$(dirname "$0")/.."
out=runs/transfer_rendered
mkdir -p "$out"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
PYTHONPATH=src python studies/transfer_pictures.py --out "$out"
printf 'model: {width: 128, height: 80, levels: 4, base: 24, disc_base: 24, temporal: true}\n' \
  > "$out/temporal.yaml"
printf 'train: {steps: 450, checkpoint_every: 50, val_every: 450}\n' >> "$out/temporal.yaml"
dancekit train transfer --video "$out/target.mp4" --poses "$out/poses.npz" \
  --out "$out/temporal" --config "$out/temporal.yaml"
PYTHONPATH=src "${POSE_PY:-python}" studies/transfer_quality.py --video "$out/target.mp4" \
  --poses "$out/poses.npz" --run "$out/temporal" --song src/dancekit/assets/demo_song.ogg \
  --sheet docs/images/transfer_rendered.png
