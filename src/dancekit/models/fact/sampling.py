"""FACT's generation loop: the network predicts a window, this module decides what the dance
keeps.

A dance is rolled out over sliding windows: each sees the last ``motion_frames`` of the dance
so far (its root moved back over the origin) and the music from there, one of the
hypotheses is drawn, its first ``generate_step`` frames are kept, and the dance so far
becomes the next seed, so any length of music gets danced. A slow pose anchor pulls the
dance's average pose back against drift.
"""

from __future__ import annotations

import contextlib

import torch
import torch.nn.functional as F

from dancekit.models.fact.network import FACTNetwork
from dancekit.models.representation import MOTION_DIM, pad_root, root_offset
from dancekit.utils import single_threaded

AUDIO_BATCH = 64  # music windows the audio transformer encodes at once in generation


@torch.no_grad()
def generate_features(net: FACTNetwork, audio: torch.Tensor, frames: int, seed: torch.Tensor,
                      style: torch.Tensor | None = None,
                      generator: torch.Generator | None = None) -> torch.Tensor:
    """Autoregressive sliding-window generation on feature tensors.

    ``audio`` (B, >= frames, 35 or 37) music features, ``seed`` (B, Sm, 147) raw seed motion
    (it becomes the first Sm frames of the output). Returns (B, frames, 147). With several
    hypotheses, each window draws one from the choice head's probabilities (at
    ``choice_temperature``) using ``generator`` (without one: the most likely). The network
    is in eval mode meanwhile.
    """
    was_training = net.training
    net.eval()
    # one song's windows are too small to split across threads; on a busy 2-core machine
    # OpenMP's waiting made 2 threads 10x slower than 1 (benchmarks/generate.py)
    one_song = audio.shape[0] == 1 and audio.device.type == "cpu"
    try:
        with single_threaded(torch=True) if one_song else contextlib.nullcontext():
            return _roll_out(net, audio, frames, seed, style, generator)
    finally:
        net.train(was_training)


def _roll_out(net: FACTNetwork, audio: torch.Tensor, frames: int, seed: torch.Tensor,
              style: torch.Tensor | None, generator: torch.Generator | None) -> torch.Tensor:
    c = net.config
    B = audio.shape[0]
    pad = max(0, frames - c.motion_frames + c.audio_frames - audio.shape[1])
    audio = F.pad(audio.transpose(1, 2), (0, pad), mode="replicate").transpose(1, 2)
    audio = net.norm_audio(audio)
    out = torch.empty(B, max(frames, c.motion_frames), MOTION_DIM, dtype=seed.dtype,
                      device=seed.device)
    out[:, :c.motion_frames] = seed
    anchor = _Anchor(net, seed)
    # every window starts generate_step frames after the last, and the audio transformer
    # does not depend on the dance: encode the windows' music ahead, AUDIO_BATCH at a time
    # (the same numbers, in large batches instead of one small pass per window)
    starts = list(range(0, max(frames - c.motion_frames, 0), c.generate_step))
    encoded: dict[int, torch.Tensor] = {}
    base_split = net.base_split() if c.linear_base else None
    t = 0
    while t + c.motion_frames < frames:
        if t not in encoded:
            encoded.clear()
            chunk = [u for u in starts if u >= t][:AUDIO_BATCH]
            windows = torch.stack([audio[:, u:u + c.audio_frames] for u in chunk], dim=1)
            codes = net.encode_audio(  # (B * W, Sa, C), song-major
                windows.flatten(0, 1),
                None if style is None else style.repeat_interleave(len(chunk)))
            codes = codes.unflatten(0, (B, len(chunk)))
            encoded.update({u: codes[:, i] for i, u in enumerate(chunk)})
        window = out[:, t:t + c.motion_frames]
        offset = pad_root(root_offset(window))
        seed_n, music = net.norm_motion(window - offset), audio[:, t:t + c.audio_frames]
        x = net.read_out(seed_n, music, style, encoded[t])
        choice = draw(net, net.choice_logits(x), generator)
        pred = net.decode(x, seed_n, music, choice, base_split)[:, 0]
        pred = pred * net.motion_std + net.motion_mean + offset
        k = min(c.generate_step, frames - t - c.motion_frames)
        pred = anchor(pred, k)
        out[:, t + c.motion_frames:t + c.motion_frames + k] = pred[:, :k]
        t += k
    return out[:, :frames]


def draw(net: FACTNetwork, logits: torch.Tensor,
         generator: torch.Generator | None) -> torch.Tensor:
    """One hypothesis per row of choice logits (B, K) -> (B,): drawn from the odds at
    ``choice_temperature`` with ``generator``; the most likely without one."""
    c = net.config
    if generator is None or c.hypotheses == 1 or c.choice_temperature == 0:
        return logits.argmax(dim=1)
    odds = (logits / c.choice_temperature).softmax(dim=1).cpu()
    return torch.multinomial(odds, 1, generator=generator)[:, 0].to(logits.device)


class _Anchor:
    """``anchor_seconds``: a leaky average of the dance's normalised pose, pulled back towards
    the training data's mean (0 after normalisation) window by window. Root x and z are left
    out: travelling is not drift."""

    def __init__(self, net: FACTNetwork, seed: torch.Tensor) -> None:
        self.net = net
        self.mask = torch.ones(MOTION_DIM, dtype=seed.dtype, device=seed.device)
        self.mask[[0, 2]] = 0
        self.slow = (net.norm_motion(seed) * self.mask).mean(dim=1)  # (B, 147)
        self.tau = net.config.anchor_seconds * net.config.fps

    def __call__(self, pred: torch.Tensor, kept: int) -> torch.Tensor:
        """A window's raw prediction (B, N, 147) corrected; ``kept`` of its frames stay."""
        if self.tau <= 0:
            return pred
        rate = min(1.0, kept / self.tau)
        kept_n = self.net.norm_motion(pred[:, :kept]) * self.mask
        self.slow = self.slow + rate * (kept_n.mean(dim=1) - self.slow)
        # reached gradually over the kept frames: a whole-window shift was a step
        spread = (torch.arange(1, pred.shape[1] + 1, dtype=pred.dtype) / kept).clamp(max=1)
        return pred - rate * (self.slow * self.net.motion_std)[:, None] * spread[None, :, None]
