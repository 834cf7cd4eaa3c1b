r"""Train the beat network (``dancekit.audio.beats.network``) on rendered excerpts with exact beats.

Training music: folders made by ``dataprep/beats_corpus.py`` (the DEV set's collections,
never the DEV pieces) and synthetic songs of ``dancekit.synth`` (exact beats, seeds 20 on;
the synthetic check of ``studies/beats.py`` uses seeds 0 and 1). Every piece that also
occurs in an ``--exclude`` folder (the held-out draws) is dropped, and a fixed 15 % of the
remaining pieces (by a hash of the piece's source) is kept out as validation, on which the
tracker's use of the activation is chosen.

Each step takes 8 excerpts, stretches each in time by a random factor in [0.7, 1.4] (linear
interpolation of the spectrogram, beat times and tempo scaled alike) so the network cannot
learn tempo from a piece's identity, and crops 20 s. Targets are the beat and downbeat frames
widened to +-1 frame at half weight (Böck & Davies 2020); the loss is binary cross-entropy on
both plus a cross-entropy on a tempo class smoothed over neighbouring classes. Adam, cosine
learning rate, one CPU thread, everything seeded: the same command gives the same weights.

    C=~/.cache/dancekit
    python recipes/train_beat_net.py --train $C/beats_corpus $C/beats_corpus_s1 \
        $C/beats_corpus_s3 $C/beats_corpus_s4 $C/beats_corpus_s10 $C/beats_corpus_s11 \
        $C/beats_corpus_s12 $C/beats_corpus_s13 --exclude $C/beats_corpus_s2 \
        $C/beats_corpus_s5 $C/beats_corpus_s6 --synth 8 --steps 2500 \
        --out src/dancekit/weights/beats

(the folders are draws of ``dataprep/beats_corpus.py``; seeds 10-13 were drawn for this
network with ``--exclude`` of every earlier draw, see ``src/dancekit/weights/beats/README.md``).

Folders of ``dataprep/beats_scores.py`` (procedurally composed pieces; collection
``procedural``) are read the same way. The leave-collections-out check of ``docs/audio.md``
trains on O'Neill's tunes (plus the procedural pieces) and scores the other collections:

    python recipes/train_beat_net.py --train $C/beats_corpus ... $C/beats_scores_s2 \
        --exclude $C/beats_corpus_s2 $C/beats_corpus_s5 $C/beats_corpus_s6 --steps 2500 \
        --collection "O'Neill's 1850 collection" procedural --out RUN
    python studies/beats.py --dir $C/beats_corpus $C/beats_corpus_s10 $C/beats_corpus_s11 \
        --skip-collection "O'Neill's 1850 collection" --weights RUN/beat_tcn.safetensors --no-synth

Spectrograms are cached in ``--cache`` (``~/.cache/dancekit/beat_net``) keyed by file name.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from dancekit.audio import load
from dancekit.audio.beats.cues import FPS, SR, spectrograms
from dancekit.audio.beats.network import CHANNELS, TEMPO_BPM, BeatTCN
from dancekit.utils import progress

#: Styles and seeds of the synthetic training songs.
SYNTH_STYLES = ("hiphop", "house", "pop", "waltz", "latin", "ballet")
SYNTH_FIRST_SEED = 20
#: Frames per training crop, excerpts per step, time-stretch range.
CROP, BATCH, STRETCH = 2000, 8, (0.7, 1.4)
#: Share of pieces kept out as validation.
VALIDATION = 0.15


def piece_sources(folder: Path) -> dict[str, str]:
    """Excerpt name -> the piece it comes from (``index.csv``'s source column)."""
    with open(folder / "index.csv", newline="") as f:
        return {row["name"]: row["source"] for row in csv.DictReader(f)}


def collections(folder: Path) -> dict[str, str]:
    """Excerpt name -> its composer or collection (``index.csv``)."""
    with open(folder / "index.csv", newline="") as f:
        return {row["name"]: row["composer_collection"] for row in csv.DictReader(f)}


def is_validation(source: str) -> bool:
    digest = hashlib.sha256(source.encode()).digest()
    return digest[0] / 256.0 < VALIDATION


def cached_excerpt(path: Path, cache: Path) -> dict[str, np.ndarray]:
    """Log-mel spectrogram, chroma, beats and downbeats of one excerpt (cached)."""
    target = cache / f"{path.parent.name}__{path.stem}.npz"
    if not target.exists():
        spec, chroma = spectrograms(load(path, sr=SR).samples)
        down = path.with_suffix("").with_suffix(".downbeats.txt")
        np.savez(target, spec=spec.astype(np.float16), chroma=chroma.astype(np.float16),
                 beats=np.loadtxt(path.with_suffix(".beats.txt"), ndmin=1),
                 downbeats=np.loadtxt(down, ndmin=1))
    with np.load(target) as z:
        return {k: z[k] for k in z.files}


def cached_synthetic(style: str, seed: int, cache: Path) -> dict[str, np.ndarray]:
    """The same for a 30 s synthetic song."""
    from dancekit.synth import synthesize

    target = cache / f"synth__{style}_{seed}.npz"
    if not target.exists():
        song = synthesize(style, seconds=30.0, seed=seed, sr=SR)
        spec, chroma = spectrograms(song.samples)
        np.savez(target, spec=spec.astype(np.float16), chroma=chroma.astype(np.float16),
                 beats=np.asarray(song.truth["beats"], dtype=float),
                 downbeats=np.asarray(song.truth["downbeats"], dtype=float))
    with np.load(target) as z:
        return {k: z[k] for k in z.files}


def frame_targets(times: np.ndarray, frames: int) -> np.ndarray:
    """1 at the frame of each event, 0.5 on the frames either side, 0 elsewhere."""
    target = np.zeros(frames, dtype=np.float32)
    idx = np.round(times).astype(int)
    for offset, value in ((-1, 0.5), (1, 0.5), (0, 1.0)):
        at = idx + offset
        at = at[(at >= 0) & (at < frames)]
        target[at] = np.maximum(target[at], value)
    return target


def tempo_target(beats_frames: np.ndarray) -> np.ndarray:
    """Tempo class distribution: a Gaussian (one class wide) around the median beat tempo."""
    bpm = 60.0 * FPS / float(np.median(np.diff(beats_frames)))
    centre = np.log2(bpm / TEMPO_BPM[0]) * 20.0
    weight = np.exp(-0.5 * (np.arange(len(TEMPO_BPM)) - centre) ** 2)
    return (weight / weight.sum()).astype(np.float32)


def batch(items: list[dict], rng: np.random.Generator) -> tuple[torch.Tensor, ...]:
    """One training batch of stretched, cropped excerpts and their targets."""
    specs, beat_t, down_t, tempo_t = [], [], [], []
    for i in rng.integers(len(items), size=BATCH):
        item = items[i]
        spec = torch.from_numpy(item["spec"].astype(np.float32))
        factor = float(np.exp(rng.uniform(*np.log(STRETCH))))  # > 1: faster
        length = max(int(round(spec.shape[1] / factor)), 2)
        spec = F.interpolate(spec[None], size=length, mode="linear", align_corners=False)[0]
        beats = item["beats"] * FPS * length / item["spec"].shape[1]
        downs = item["downbeats"] * FPS * length / item["spec"].shape[1]
        start = int(rng.integers(max(length - CROP, 0) + 1))
        spec = spec[:, start:start + CROP]
        if spec.shape[1] < CROP:
            spec = F.pad(spec, (0, CROP - spec.shape[1]))
        specs.append(spec)
        beat_t.append(frame_targets(beats - start, CROP))
        down_t.append(frame_targets(downs - start, CROP))
        tempo_t.append(tempo_target(beats))
    return (torch.stack(specs), torch.from_numpy(np.stack(beat_t)),
            torch.from_numpy(np.stack(down_t)), torch.from_numpy(np.stack(tempo_t)))


def loss_of(net: BeatTCN, spec, beat, down, tempo) -> torch.Tensor:
    logits, hidden = net(spec)
    tempo_logits = net.tempo_logits(hidden.sum(dim=2), hidden.shape[2])
    return (F.binary_cross_entropy_with_logits(logits[:, 0], beat)
            + 0.5 * F.binary_cross_entropy_with_logits(logits[:, 1], down)
            + 0.1 * -(tempo * F.log_softmax(tempo_logits, dim=1)).sum(dim=1).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, nargs="+", required=True, metavar="DIR",
                        help="folders of excerpts made by dataprep/beats_corpus.py or "
                        "dataprep/beats_scores.py")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[], metavar="DIR",
                        help="held-out folders: their pieces are never trained on")
    parser.add_argument("--synth", type=int, default=8, metavar="N",
                        help="synthetic songs per style (seeds 20 on)")
    parser.add_argument("--collection", nargs="+", metavar="NAME",
                        help="train only on excerpts of these composers/collections (a "
                        "leave-collections-out check of how the network carries to new music)")
    parser.add_argument("--steps", type=int, default=1500, help="optimiser steps")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    parser.add_argument("--channels", type=int, default=CHANNELS,
                        help="width of the network's hidden layers (the bundled weights: 32)")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dancekit"
                        / "beat_net", help="spectrogram cache folder")
    parser.add_argument("--out", type=Path, required=True,
                        help="folder for beat_tcn.safetensors and training.json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    args.cache.mkdir(parents=True, exist_ok=True)

    held_out = {s for d in args.exclude for s in piece_sources(d).values()}
    train, valid, dropped = [], [], 0
    paths = [(d, p) for d in args.train for p in sorted(d.glob("*.ogg"))]
    for folder, path in progress(paths, total=len(paths), description="spectrograms"):
        source = piece_sources(folder)[path.stem]
        if args.collection and collections(folder)[path.stem] not in args.collection:
            continue
        if source in held_out:
            dropped += 1
            continue
        (valid if is_validation(source) else train).append(cached_excerpt(path, args.cache))
    synth = [(s, seed) for s in SYNTH_STYLES
             for seed in range(SYNTH_FIRST_SEED, SYNTH_FIRST_SEED + args.synth)]
    for style, seed in progress(synth, total=len(synth), description="synthetic songs"):
        item = cached_synthetic(style, seed, args.cache)
        (valid if seed == SYNTH_FIRST_SEED else train).append(item)
    print(f"{len(train)} training and {len(valid)} validation excerpts "
          f"({dropped} dropped: pieces of the held-out folders)")

    net = BeatTCN(channels=args.channels)
    optimiser = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=1e-5)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, args.steps)
    valid_rng = np.random.default_rng(args.seed + 1)
    valid_batches = [batch(valid, valid_rng) for _ in range(8)]
    start, log = time.perf_counter(), []
    for step in range(1, args.steps + 1):
        net.train()
        loss = loss_of(net, *batch(train, rng))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 100 == 0 or step == args.steps:
            net.eval()
            with torch.no_grad():
                v = float(np.mean([loss_of(net, *b).item() for b in valid_batches]))
            log.append({"step": step, "train_loss": round(loss.item(), 4),
                        "valid_loss": round(v, 4),
                        "minutes": round((time.perf_counter() - start) / 60, 2)})
            print(log[-1], flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()},
              str(args.out / "beat_tcn.safetensors"))
    record = {"train_excerpts": len(train), "valid_excerpts": len(valid),
              "dropped_held_out_pieces": dropped, "steps": args.steps, "seed": args.seed,
              "channels": net.channels,
              "train_folders": [d.name for d in args.train],
              "exclude_folders": [d.name for d in args.exclude],
              "collections": args.collection, "synth_per_style": args.synth,
              "stretch": STRETCH, "crop_frames": CROP, "batch": BATCH, "log": log}
    (args.out / "training.json").write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()
