#!/usr/bin/env bash
# The motion-transfer run measured in docs/transfer.md: one real 10 s clip (the first 8 s
# trained on, the last 2 s held out), 128 x 80 frames, 450 steps of batch 4, with and without
# the temporal setup, on one thread each; then the quality table and the contact sheet.
# Needs the pose extra's environment (`make .venv-pose/.installed`) for the poses and the
# pose distance. The clip's footage may not be shipped, nor weights trained on it: the runs
# stay in runs/transfer.
set -euo pipefail
cd "$(dirname "$0")/.."
video=${1:-../shared/data/video/studio_dancer_10s.mp4}
py=${POSE_PY:-.venv-pose/bin/python}
out=runs/transfer
mkdir -p "$out"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
.venv-pose/bin/dancekit pose "$video" -o "$out/poses.npz"
for mode in temporal single; do
  temporal=$([ "$mode" = temporal ] && echo true || echo false)
  printf 'model: {width: 128, height: 80, levels: 4, base: 24, disc_base: 24, temporal: %s}\n' \
    "$temporal" > "$out/$mode.yaml"
  printf 'train: {steps: 450, checkpoint_every: 50, val_every: 450}\n' >> "$out/$mode.yaml"
  .venv-pose/bin/dancekit train transfer --video "$video" --poses "$out/poses.npz" \
    --out "$out/$mode" --config "$out/$mode.yaml" &
done
wait
PYTHONPATH=src "$py" studies/transfer_quality.py --video "$video" --poses "$out/poses.npz" \
  --run "$out/temporal" --run "$out/single" --song src/dancekit/assets/demo_song.ogg \
  --sheet runs/transfer/sheet.png
