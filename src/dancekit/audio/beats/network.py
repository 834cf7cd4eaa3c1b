"""A learned beat, downbeat and tempo activation: a small temporal convolutional network.

Hand-made onset cues cannot tell which metrical level a convention calls "the beat" (a slow
piece over running quavers looks like a quick one). Networks trained on annotated music learn
that from context (Böck, Krebs & Widmer, ISMIR 2016; MatthewDavies & Böck, EUSIPCO 2019;
Böck & Davies, ISMIR 2020): a stack of dilated 1-D convolutions over a log-magnitude
spectrogram at 100 frames/s, with a receptive field of many seconds, gives a per-frame beat
and downbeat probability and, from its pooled state, a tempo distribution. The tracker
(:mod:`dancekit.audio.beats.hmm`) decodes these with its beat-pointer HMM.

This network reads the tracker's own log-mel spectrogram (96 bands, ~100 frames/s,
:func:`dancekit.audio.beats.cues.spectrograms`) and its positive first difference. Weights
are bundled in ``dancekit/weights/beats`` with a data card; ``recipes/train_beat_net.py``
trains them. torch is imported by this module only, which the tracker imports when it first
needs an activation, so ``dancekit --help`` stays fast.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from dancekit.errors import CheckpointError
from dancekit.utils import single_threaded

#: The bundled weights.
WEIGHTS = Path(__file__).resolve().parents[2] / "weights" / "beats" / "beat_tcn.safetensors"
#: Channels of every hidden layer of a newly built network (the bundled weights: 32; a
#: weights file says its own width, see :func:`load_network`).
CHANNELS = 32
#: Kernel size of the dilated convolutions.
KERNEL = 5
#: Dilations of the residual blocks: a receptive field of 1 + 4 * 1023 frames (~41 s).
DILATIONS = tuple(2**i for i in range(10))
#: Tempo classes of the tempo head: log-spaced BPM from 40 to 240, 20 per octave.
TEMPO_BPM = 40.0 * 2.0 ** (np.arange(52) / 20.0)
#: Frames of context either side of a chunk: half the receptive field, so chunked inference
#: equals inference on the whole song while a 20-minute song never holds all layers at once.
CONTEXT = 2 * sum(DILATIONS) + 2
#: Frames computed per chunk (a minute at 100 frames/s).
CHUNK = 6000


class Activation(NamedTuple):
    """Network output for one piece."""

    beat: np.ndarray  # (frames,) probability that a beat starts in the frame
    downbeat: np.ndarray  # (frames,) probability that a bar starts in the frame
    tempo: np.ndarray  # (len(TEMPO_BPM),) probability of each tempo class


class BeatTCN(nn.Module):
    """Spectrogram (batch, bands, frames) -> beat and downbeat logits (batch, 2, frames) and
    the pooled state (batch, channels) from which :meth:`tempo_logits` reads the tempo.

    Parameters
    ----------
    bands : int
        Mel bands of the input; the positive first difference doubles them.
    channels : int
        Width of every hidden layer.
    """

    def __init__(self, bands: int = 96, channels: int = CHANNELS) -> None:
        super().__init__()
        self.channels = channels
        self.front = nn.Conv1d(2 * bands, channels, 3, padding=1)
        self.dilated = nn.ModuleList(
            nn.Conv1d(channels, channels, KERNEL, dilation=d, padding=d * (KERNEL // 2))
            for d in DILATIONS)
        self.mix = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in DILATIONS)
        self.head = nn.Conv1d(channels, 2, 1)
        self.tempo = nn.Linear(channels, len(TEMPO_BPM))
        self.dropout = nn.Dropout(0.1)
        self.act = nn.ELU()

    def forward(self, spec: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        flux = torch.relu(torch.diff(spec, dim=-1, prepend=spec[..., :1]))
        h = self.dropout(self.act(self.front(torch.cat([spec, flux], dim=1))))
        for conv, mix in zip(self.dilated, self.mix, strict=True):
            h = h + mix(self.dropout(self.act(conv(h))))
        return self.head(h), h

    def tempo_logits(self, hidden_sum: torch.Tensor, frames: int) -> torch.Tensor:
        """Tempo logits from hidden states summed over ``frames`` frames (the mean state)."""
        return self.tempo(hidden_sum / max(frames, 1))


@lru_cache(maxsize=2)
def network(weights: Path | None = None) -> BeatTCN:
    """The network of a weights file (None: the bundled :data:`WEIGHTS`), in eval mode,
    loaded once per process so every song tracked after the first skips the reading."""
    return load_network(WEIGHTS if weights is None else weights)


def load_network(path: Path) -> BeatTCN:
    """A network from a weights file of ``recipes/train_beat_net.py``, at the width its
    weights have, in eval mode."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        state = load_file(str(path))
    except (OSError, ValueError, SafetensorError) as exc:
        raise CheckpointError(f"cannot read the beat network weights {path}: {exc}") from exc
    front = state.get("front.weight")
    if front is None or front.ndim != 3:
        raise CheckpointError(f"beat network weights {path} have no front layer")
    net = BeatTCN(bands=front.shape[1] // 2, channels=front.shape[0])
    try:
        net.load_state_dict(state)
    except RuntimeError as exc:
        raise CheckpointError(f"beat network weights {path} do not fit the network: "
                              f"{exc}") from exc
    return net.eval()


@single_threaded(torch=True)
def activation(spec: np.ndarray, net: BeatTCN | None = None, *, chunk: int = CHUNK
               ) -> Activation:
    """Beat, downbeat and tempo activation of a log-mel spectrogram (bands, frames) through
    ``net`` (None: the bundled network).

    The song is processed ``chunk`` frames (a minute) at a time with :data:`CONTEXT` frames
    either side, which gives the same numbers as one pass over the whole song (zero padding
    at its ends) at a fraction of the memory.
    """
    net = net or network()
    n = spec.shape[1]
    logits = np.empty((2, n), dtype=np.float32)
    hidden_sum = torch.zeros(net.channels)
    with torch.inference_mode():
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            lo, hi = max(start - CONTEXT, 0), min(stop + CONTEXT, n)
            window = torch.from_numpy(np.ascontiguousarray(spec[:, lo:hi]))[None]
            if lo > 0:  # the first difference of the window's first frame needs the one before
                window = torch.cat([torch.from_numpy(spec[:, lo - 1:lo])[None], window], dim=2)
            out, hidden = net(window)
            skip = start - lo + (1 if lo > 0 else 0)
            logits[:, start:stop] = out[0, :, skip:skip + stop - start].numpy()
            hidden_sum += hidden[0, :, skip:skip + stop - start].sum(dim=1)
        tempo = torch.softmax(net.tempo_logits(hidden_sum, n), dim=0).numpy()
    prob = 1.0 / (1.0 + np.exp(-logits))
    return Activation(prob[0], prob[1], tempo.astype(np.float64))
