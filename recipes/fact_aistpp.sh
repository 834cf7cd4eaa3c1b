#!/usr/bin/env bash
# FACT at the size published in "AI Choreographer: Music Conditioned 3D Dance Generation with
# AIST++" (Li, Yang, Ross, Kanazawa, ICCV 2021), trained on AIST++ with its official split.
#
#   bash recipes/fact_aistpp.sh AISTPP_ROOT [RUN_DIR]
#
# AISTPP_ROOT is the AIST++ annotation download (motions/ or keypoints3d/, splits/,
# ignore_list.txt) with the AIST Dance DB music, a separate download, placed in
# AISTPP_ROOT/wav/ (mBR0.wav ...). Training uses splits/crossmodal_train.txt, validation
# crossmodal_val.txt; crossmodal_test.txt stays unseen for evaluation (docs/training_data.md).
#
# Never run on this project's machines (no AIST++, no GPU): what was tested is the layout,
# on a small fixture, with a tiny network (tests/test_train_aistpp.py).
#
# Published settings (numbers from the authors' released config,
# google-research/mint configs/fact_v5_deeper_t10_cm12.config, and its protos' defaults) and
# their dancekit keys in recipes/fact_aistpp.yaml:
#   seed motion 120 frames at 60 fps       model.motion_frames: 120, model.fps: 60
#   music context 240 frames               model.audio_frames: 240
#   N = 20 future frames supervised        model.future_frames: 20
#   motion / audio transformers 2 layers   model.motion_layers / audio_layers: 2
#   cross-modal transformer 12 layers      model.cross_layers: 12
#   hidden 800, 10 heads, intermediate 3072, dropout 0.1: hidden, heads, ff, dropout
#   L2 loss on the motion features only    model.position_loss: 0 (and no dancekit additions)
#   batch 32, Adam, lr 1e-4                train.batch_size: 32, lr: 1e-4, weight_decay: 0
# Published settings with no dancekit equivalent:
#   * lr steps 1e-4 -> 1e-5 at step 100k -> 1e-6 at 150k: dancekit decays by a cosine, here
#     from 1e-4 to 1e-6 (min_lr_ratio 0.01) over train.steps, without warm-up;
#   * total steps: the release names none (its trainer's --steps default, 42k, ends before
#     the first decay), so train.steps 200000 is this recipe's choice;
#   * the motion as 24 rotation matrices + translation (219 numbers a frame, padded to 225):
#     dancekit's FACT reads 6D rotations + root (147), dancekit.models.representation;
#   * gradients unclipped: dancekit always clips, here at 1e9 (never reached);
#   * TPU training: here one GPU, or several through torchrun (bf16 autocast on CUDA).
# Cost: 120.6 M parameters, 229 GFLOP per training window forward + backward (counted with
# torch.utils.flop_counter), 7.3 TFLOP a step of 32, 1.5e18 FLOP for 200k steps. GPU time
# was not measured: at a sustained 100 TFLOP/s that is about 4 hours, at 25 TFLOP/s 16 hours.
set -euo pipefail
root=${1:?usage: bash recipes/fact_aistpp.sh AISTPP_ROOT [RUN_DIR]}
run=${2:-runs/fact_aistpp}
if [ ! -d "$root/motions" ] && [ ! -d "$root/keypoints3d" ]; then
    echo "error: $root has neither motions/ nor keypoints3d/ (the AIST++ annotations)" >&2
    exit 2
fi
if [ ! -d "$root/wav" ]; then
    echo "error: no $root/wav/: place the AIST music (mBR0.wav ...) there" >&2
    exit 2
fi
config="$(dirname "$0")/fact_aistpp.yaml"
dancekit train fact --data "$root" --out "$run" --config "$config"
# On 8 GPUs of one machine, the same run (batch 32 split over the ranks):
#   torchrun --nproc_per_node=8 "$(which dancekit)" train fact --data "$root" \
#       --out "$run" --config "$config"
