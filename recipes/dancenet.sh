#!/usr/bin/env bash
# Rebuild src/dancekit/weights/dancenet/model.safetensors: DanceNet at the 2-core default
# size on silhouettes rendered from the real ballroom capture (its 9 held-out test sequences
# excluded in the configs): the image VAE first, then the LSTM-MDN over its latents with the
# music, stored as float16; then the two comparisons of docs/dancenet.md (no music; sequences
# of one frame as the published code trains) and the video silhouettes the study scores.
# Data card: src/dancekit/weights/dancenet/README.md.
# Usage: bash recipes/dancenet.sh [BALLROOM_DIR]   (default ../shared/data/ballroom)
set -euo pipefail
cd "$(dirname "$0")/.."
W=src/dancekit/weights/dancenet
BALLROOM=${1:-../shared/data/ballroom}
export OMP_NUM_THREADS=1
dancekit train dancenet-vae --data "$BALLROOM" --out runs/dancenet_vae --config "$W/vae_config.yaml"
dancekit train dancenet --data "$BALLROOM" --out runs/dancenet --config "$W/train_config.yaml"
python -c "from dancekit.checkpoint import half_precision; \
half_precision('runs/dancenet/model.safetensors', '$W/model.safetensors')"
dancekit train dancenet --data "$BALLROOM" --out runs/dancenet_no_music \
    --config recipes/dancenet_no_music.yaml
dancekit train dancenet --data "$BALLROOM" --out runs/dancenet_one_frame \
    --config recipes/dancenet_one_frame.yaml
# needs the pose extra (mediapipe); the weights do not use these frames
python dataprep/video_silhouettes.py --out runs/silhouettes || echo "no video silhouettes"
python studies/dancenet_quality.py --video-silhouettes runs/silhouettes \
    --models bundled=dancenet,no-music=runs/dancenet_no_music/model.safetensors,one-frame=runs/dancenet_one_frame/model.safetensors \
    --sheet docs/images/dancenet.png
