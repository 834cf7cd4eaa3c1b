#!/usr/bin/env bash
# Rebuild src/dancekit/weights/beats/beat_tcn.safetensors: render the training music (scores
# of the DEV set's collections, never the DEV pieces, and procedurally composed pieces, all
# with exact beats), then train the network. Needs `pip install -e ".[bench]"` and Debian's
# fluid-soundfont-gm. Data card: src/dancekit/weights/beats/README.md; the draws and their
# seeds are explained in dataprep/beats_corpus.py.
set -euo pipefail
cd "$(dirname "$0")/.."
C=${DANCEKIT_DATA:-$HOME/.cache/dancekit}
draw() { python dataprep/beats_corpus.py "$@"; }
draw --out "$C/beats_corpus"
draw --seed 1 --count 102 --out "$C/beats_corpus_s1"
draw --seed 2 --count 102 --out "$C/beats_corpus_s2"
draw --seed 3 --genre air --meter 6/8 --count 40 --out "$C/beats_corpus_s3"
draw --seed 4 --genre air --meter 3/4 --count 40 --out "$C/beats_corpus_s4"
S="$C/beats_corpus $C/beats_corpus_s1 $C/beats_corpus_s2 $C/beats_corpus_s3 $C/beats_corpus_s4"
# shellcheck disable=SC2086  # word splitting of the folder lists is intended
draw --seed 5 --genre air --meter 6/8 --count 40 --out "$C/beats_corpus_s5" --exclude $S
draw --seed 6 --genre air --meter 3/4 --count 40 --out "$C/beats_corpus_s6" --exclude $S \
    "$C/beats_corpus_s5"
S="$S $C/beats_corpus_s5 $C/beats_corpus_s6"
draw --seed 10 --count 100 --out "$C/beats_corpus_s10" --exclude $S
draw --seed 11 --count 100 --out "$C/beats_corpus_s11" --exclude $S "$C/beats_corpus_s10"
S="$S $C/beats_corpus_s10 $C/beats_corpus_s11"
draw --seed 12 --genre air --meter 6/8 --count 30 --out "$C/beats_corpus_s12" --exclude $S
draw --seed 13 --genre air --meter 3/4 --count 30 --out "$C/beats_corpus_s13" --exclude $S \
    "$C/beats_corpus_s12"
python dataprep/beats_scores.py --seed 2 --count 600 --out "$C/beats_scores_s2"
OMP_NUM_THREADS=1 python recipes/train_beat_net.py --train "$C/beats_corpus" \
    "$C/beats_corpus_s1" "$C/beats_corpus_s3" "$C/beats_corpus_s4" "$C/beats_corpus_s10" \
    "$C/beats_corpus_s11" "$C/beats_corpus_s12" "$C/beats_corpus_s13" "$C/beats_scores_s2" \
    --exclude "$C/beats_corpus_s2" "$C/beats_corpus_s5" "$C/beats_corpus_s6" --synth 8 \
    --channels 32 --steps 2500 --out src/dancekit/weights/beats
