"""Training sequences, the split by sequence, fixed-length windows and batches.

A model turns each music-motion pair into a :class:`Sequence` of per-frame arrays at its own
frame rate (FACT: 147-d motion and 35-d music features at 30 fps). Windows are start frames
into those arrays; a batch is a stack of windows. The order of windows is a pure function of
``(seed, position)``, so a resumed run sees exactly the batches the killed run would have.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch

from dancekit.errors import ParameterError


@dataclass
class Sequence:
    """One training sequence: per-frame motion and music features of the same length."""

    name: str
    motion: np.ndarray  # (T, Dm) float32
    audio: np.ndarray  # (T, Da) float32
    style: str | None = None

    def __post_init__(self) -> None:
        if len(self.motion) != len(self.audio):
            raise ParameterError(f"sequence {self.name}: {len(self.motion)} motion frames but "
                                 f"{len(self.audio)} music frames")


def split_by_sequence(sequences: list[Sequence], val_fraction: float, seed: int = 0, *,
                      fixed: dict[str, str] | None = None
                      ) -> tuple[list[Sequence], list[Sequence]]:
    """Train/validation split by whole sequences (never by window, which would leak).

    A sequence is held out when a hash of its name and ``seed`` falls below ``val_fraction``,
    so membership depends on nothing else: adding data never moves an existing sequence across
    the split. With ``val_fraction > 0``, at least one sequence (the lowest hash) is held out
    and at least one is kept for training. A sequence named in ``fixed`` (name -> ``"train"``
    or ``"val"``: a dataset's official split, such as AIST++'s) goes where it says instead,
    and the rule above splits the others.
    """
    if not 0 <= val_fraction < 1:
        raise ParameterError(f"val_fraction must be in [0, 1), got {val_fraction}")
    all_names = [s.name for s in sequences]
    if len(set(all_names)) != len(all_names):
        dup = sorted({n for n in all_names if all_names.count(n) > 1})
        raise ParameterError(f"duplicate sequence names in the data: {', '.join(dup[:5])}")
    fixed = fixed or {}
    names = [n for n in all_names if n not in fixed]

    def score(name: str) -> float:
        digest = hashlib.sha1(f"{seed}:{name}".encode()).digest()[:8]
        return int.from_bytes(digest, "big") / 2**64

    val_names = {n for n in names if score(n) < val_fraction}
    if val_fraction > 0 and len(names) >= 2:
        if not val_names:
            val_names = {min(names, key=score)}
        if len(val_names) == len(names):
            val_names.discard(max(names, key=score))
    val_names |= {n for n, split in fixed.items() if split == "val"}
    return ([s for s in sequences if s.name not in val_names],
            [s for s in sequences if s.name in val_names])


def make_windows(sequences: list[Sequence], length: int, stride: int) -> np.ndarray:
    """All ``(sequence index, start frame)`` pairs of windows of ``length`` frames, every
    ``stride`` frames. Shape (K, 2), int64."""
    if stride < 1:
        raise ParameterError(f"window stride must be at least 1, got {stride}")
    rows = [(i, t) for i, s in enumerate(sequences)
            for t in range(0, len(s.motion) - length + 1, stride)]
    if not rows:
        longest = max((len(s.motion) for s in sequences), default=0)
        raise ParameterError(f"no sequence is long enough for a {length}-frame window "
                             f"(longest has {longest} frames)")
    return np.asarray(rows, dtype=np.int64)


def balanced_windows(sequences: list[Sequence], windows: np.ndarray,
                     power: float) -> np.ndarray:
    """``windows`` with those of each style repeated round((largest style's windows / this
    style's) ** power) times: 0 leaves them as they are, 1 shows every style about as often
    as the largest. A style a small share of the data (one genre of capture beside many
    minutes of another) is otherwise danced like the majority. Unlabelled sequences count as
    one more style."""
    if power == 0:
        return windows
    styles = np.array([str(sequences[i].style) for i in windows[:, 0]])
    _, inverse, counts = np.unique(styles, return_inverse=True, return_counts=True)
    repeat = np.maximum(1, np.rint((counts.max() / counts) ** power)).astype(np.int64)
    return np.repeat(windows, repeat[inverse], axis=0)


def window_order(n: int, position: int, count: int, seed: int) -> np.ndarray:
    """Indices of windows ``position .. position + count - 1`` of an endless stream that
    visits all ``n`` windows in a fresh seeded permutation every epoch."""
    out = np.empty(count, dtype=np.int64)
    for k in range(count):
        epoch, offset = divmod(position + k, n)
        if k == 0 or offset == 0:
            perm = np.random.default_rng([seed, epoch]).permutation(n)
        out[k] = perm[offset]
    return out


def collate(sequences: list[Sequence], windows: np.ndarray, motion_len: int, audio_len: int,
            styles: list[str]) -> dict[str, torch.Tensor]:
    """Stack windows into a batch: ``motion`` (B, motion_len, Dm), ``audio`` (B, audio_len,
    Da) from the same start frame, ``style`` (B,) indices into ``styles`` (``len(styles)`` for
    sequences without a known style)."""
    motion = np.stack([sequences[i].motion[t:t + motion_len] for i, t in windows])
    audio = np.stack([sequences[i].audio[t:t + audio_len] for i, t in windows])
    style = [styles.index(sequences[i].style) if sequences[i].style in styles else len(styles)
             for i, _ in windows]
    return {"motion": torch.from_numpy(motion), "audio": torch.from_numpy(audio),
            "style": torch.tensor(style, dtype=torch.long)}
