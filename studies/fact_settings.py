"""Generation-time settings on a selection set: FACT's temperature, anchor and window, and
dance tokens' temperature.

Dances every song of a ``dancekit synth`` folder with each checkpoint and setting and prints
FID_k, FID_g, Div_k, Beat Align Score (against the songs' true beats), the body's speed on the
beat over its mean speed (``quality.beat_speed``), jitter, mean joint speed and sweep (mean
joint displacement over a third of a second, ``quality.sweep``), on the same 20 s span and
with the same corrected protocol as ``quality.py``. Run it on a set that no reported number
uses (docs/results.md used ``dancekit synth --n 24 --seconds 30 --seed 2``),
so that choosing a setting does not tune to the held-out songs.

    python studies/fact_settings.py --songs SELECT_DIR --reference TRAIN_DIR \
        --setting main5.safetensors:temperature=0.5 --setting main5.safetensors:anchor=16

A setting is ``CHECKPOINT[:key=value,...]`` with keys ``temperature`` (choice_temperature),
``anchor`` (anchor_seconds), ``step`` (generate_step), ``warp=1`` (beat-warp each dance onto
the tracked beats afterwards) and ``ease=1`` (then ease it on those beats,
:mod:`dancekit.motion.beat_ease`; ``warp=1,ease=1`` is what ``dancekit dance`` does);
``bundled`` names the bundled FACT weights, and a model name (``fact``, ``dance-tokens``) that
model's bundled weights. For dance tokens only ``temperature`` (its ``temperature``) and the
re-timing keys apply.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import torch

from dancekit.audio import cached_features
from dancekit.data import load_folder
from dancekit.metrics import evaluate
from dancekit.models import load_model
from dancekit.models.dance_tokens import DanceTokens
from dancekit.motion import time_to_beats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import beat_speed, beats_of, crop, known_style, mean_speed, sweep  # noqa: E402

KEYS = {"temperature": ("choice_temperature", float), "anchor": ("anchor_seconds", float),
        "step": ("generate_step", int)}


def load_setting(setting: str):
    """A model with the setting's generation keys applied to its config, and the
    re-timing its dances get afterwards: ``(warp, ease)`` from ``warp=1``, ``ease=1``, or
    ``None`` for neither."""
    path, _, spec = setting.partition(":")
    model = load_model("fact" if path == "bundled" else path)
    tokens = isinstance(model, DanceTokens)
    retiming = {"warp": False, "ease": False}
    for item in filter(None, spec.split(",")):
        key, _, value = item.partition("=")
        if key in retiming:
            retiming[key] = bool(int(value))
            continue
        name, kind = ("temperature", float) if tokens and key == "temperature" else KEYS[key]
        setattr(model.config, name, kind(value))
    model.config.validate()
    return model, ((retiming["warp"], retiming["ease"]) if any(retiming.values()) else None)


def every_nth_per_style(pairs: list, n: int) -> list:
    """Every ``n``-th pair of each style, in folder order. A plain ``pairs[::n]`` is not a
    sample: ``dancekit synth`` writes the styles in turn, so with six styles every third
    pair is only two of them."""
    by_style: dict = {}
    for p in pairs:
        by_style.setdefault(p.style, []).append(p)
    return [p for group in by_style.values() for p in group[::n]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=Path, required=True,
                        help="selection `dancekit synth` folder")
    parser.add_argument("--reference", type=Path, required=True,
                        help="synth folder of synthetic reference dances for the FID statistics")
    parser.add_argument("--reference-every", type=int, default=3,
                        help="use every n-th reference dance of each style (speed)")
    parser.add_argument("--setting", action="append", required=True,
                        help="CHECKPOINT[:temperature=T,anchor=S,step=K,"
                        "warp=1,ease=1]; repeatable")
    parser.add_argument("--seconds", type=float, default=20.0, help="scored span per clip")
    args = parser.parse_args()
    torch.set_num_threads(1)
    pairs = load_folder(args.songs)
    ref = [crop(p.motion, args.seconds)
           for p in every_nth_per_style(load_folder(args.reference), args.reference_every)]
    beats = [beats_of(p.audio) for p in pairs]
    print(f"{len(pairs)} songs from {args.songs}; FID reference: {len(ref)} synthetic "
          f"reference dances; {args.seconds:g} s from 2 s at 30 fps; corrected protocol")
    print()
    print("| setting | FID_k | FID_g | Div_k | BAS | beat speed | jitter | speed | sweep |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    others = [pairs[(i + 1) % len(pairs)].motion for i in range(len(pairs))]
    rows = [("reference dances (each to its own song)",
             [crop(p.motion, args.seconds) for p in pairs]),
            ("reference clips that ignore the music", [crop(m, args.seconds) for m in others])]
    settings = [(setting, *load_setting(setting)) for setting in args.setting]
    # re-timed dances use the tracker's beats, cached as `dancekit dance` reads them
    for retiming in dict.fromkeys(r for _, _, r in settings if r):
        # the fair baseline for re-timed dances: the same re-timing of music-ignoring clips
        warp, ease = retiming
        named = " and ".join(n for n, on in (("beat-warped", warp), ("eased", ease)) if on)
        rows.append((f"the same clips, {named}", [
            crop(time_to_beats(m, cached_features(p.audio, "beats"), warp=warp, ease=ease),
                 args.seconds) for m, p in zip(others, pairs, strict=True)]))
    for setting, model, retiming in settings:
        dances = []
        for i, p in enumerate(pairs):
            dance = model.generate(p.audio, seed=i, style=known_style(model, p))
            if retiming:
                warp, ease = retiming
                dance = time_to_beats(dance, cached_features(p.audio, "beats"), warp=warp,
                                      ease=ease)
            dances.append(crop(dance, args.seconds))
        rows.append((setting, dances))
    for name, dances in rows:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = evaluate(dances, ref, music_beats=beats, bootstrap=0)["metrics"]
        cells = [f"{r[k]['value']:.3g}" for k in ("fid_k", "fid_g", "div_k", "bas")]
        cells += [f"{beat_speed(dances, beats):.3g}", f"{r['jitter']['value']:.3g}",
                  f"{mean_speed(dances):.3g}", f"{sweep(dances):.3g}"]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
