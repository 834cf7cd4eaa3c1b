"""Dance Revolution's network: a music encoder whose self-attention is local (a band of
``window`` frames either side, so memory grows linearly with the song) and a decoder of
stacked LSTM cells that predicts one pose a frame from the previous pose and the encoded
music at that frame.

It computes and decides nothing: which inputs are real and which are the decoder's own
predictions is :mod:`.training`'s schedule; how a song is danced is :mod:`.sampling`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from dancekit.models.dance_revolution.config import DanceRevolutionConfig
from dancekit.models.representation import MOTION_DIM

CHUNK = 256  # query frames attended at once: memory stays chunk x (chunk + 2 window)

State = list[tuple[torch.Tensor, torch.Tensor]]


def local_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, bias: torch.Tensor,
                    window: int, dropout: float = 0.0, chunk: int = CHUNK) -> torch.Tensor:
    """Attention of each frame over the frames at most ``window`` away: q, k, v (B, H, T, d),
    ``bias`` (H, 2 window + 1) a learned score per head and offset (relative positions, so a
    song of any length reads like the training windows). Computed a chunk of queries at a
    time against only the keys their band reaches."""
    T = q.shape[2]
    out = []
    for lo in range(0, T, chunk):
        hi = min(T, lo + chunk)
        k_lo, k_hi = max(0, lo - window), min(T, hi + window)
        offset = (torch.arange(k_lo, k_hi, device=q.device)[None]
                  - torch.arange(lo, hi, device=q.device)[:, None])  # (C, K)
        scores = bias[:, offset.clamp(-window, window) + window]  # (H, C, K)
        scores = scores.masked_fill(offset.abs() > window, float("-inf"))
        out.append(F.scaled_dot_product_attention(
            q[:, :, lo:hi], k[:, :, k_lo:k_hi], v[:, :, k_lo:k_hi], attn_mask=scores,
            dropout_p=dropout))
    return torch.cat(out, dim=2)


class LocalBlock(nn.Module):
    """Pre-LayerNorm transformer block with :func:`local_attention` and a GELU MLP."""

    def __init__(self, hidden: int, heads: int, ff: int, dropout: float, window: int) -> None:
        super().__init__()
        self.heads, self.window, self.dropout = heads, window, dropout
        self.ln1 = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)
        self.bias = nn.Parameter(torch.zeros(heads, 2 * window + 1))
        self.ln2 = nn.LayerNorm(hidden)
        self.mlp = nn.Sequential(nn.Linear(hidden, ff), nn.GELU(), nn.Linear(ff, hidden),
                                 nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = (t.reshape(B, T, self.heads, C // self.heads).transpose(1, 2)
                   for t in self.qkv(self.ln1(x)).split(C, dim=2))
        y = local_attention(q, k, v, self.bias, self.window,
                            self.dropout if self.training else 0.0)
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))
        return x + self.mlp(self.ln2(x))


class DanceRevolutionNetwork(nn.Module):
    """Normalised music (B, T, 438 or 440) -> encoded music (B, T, hidden); previous pose
    and encoded music -> next pose, one frame at a time (:meth:`step`).

    Poses are the 147 numbers of :mod:`dancekit.models.representation` with the root's x and
    z replaced by their change since the previous frame (:mod:`.sampling`), normalised.
    Buffers (saved with the weights): normalisation statistics, a bank of real first frames
    to start a dance from, and the count of training steps the schedule reads.
    """

    def __init__(self, config: DanceRevolutionConfig) -> None:
        super().__init__()
        config.validate()
        self.config = c = config
        self.music_in = nn.Linear(c.music_dim, c.hidden)
        self.style_emb = nn.Embedding(len(c.styles) + 1, c.hidden)  # last row: no style
        self.encoder = nn.ModuleList(LocalBlock(c.hidden, c.heads, c.ff, c.dropout, c.window)
                                     for _ in range(c.encoder_layers))
        self.encoder_ln = nn.LayerNorm(c.hidden)
        self.pose_in = nn.Linear(MOTION_DIM, c.pose_embed)
        self.pose_drop = nn.Dropout(c.dropout)
        first = c.pose_embed + (c.hidden if c.music_to_decoder else 0)
        self.cells = nn.ModuleList(
            nn.LSTMCell(first if i == 0 else c.decoder_hidden, c.decoder_hidden)
            for i in range(c.decoder_layers))
        self.head = nn.Linear(c.decoder_hidden + c.hidden, MOTION_DIM)
        self.register_buffer("motion_mean", torch.zeros(MOTION_DIM))
        self.register_buffer("motion_std", torch.ones(MOTION_DIM))
        self.register_buffer("music_mean", torch.zeros(c.music_dim))
        self.register_buffer("music_std", torch.ones(c.music_dim))
        self.register_buffer("starts", torch.zeros(c.seed_bank, MOTION_DIM))
        self.register_buffer("starts_ready", torch.zeros((), dtype=torch.bool))
        self.register_buffer("trained_steps", torch.zeros((), dtype=torch.long))

    def encode_music(self, music: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        """Raw music features (B, T, D) and style indices (B,) (``len(styles)``: none) ->
        (B, T, hidden)."""
        x = self.music_in((music - self.music_mean) / self.music_std)
        x = x + self.style_emb(style)[:, None]
        for block in self.encoder:
            x = block(x)
        return self.encoder_ln(x)

    def initial_state(self, batch: int, generator: torch.Generator | None) -> State:
        """The LSTM cells' (h, c) before the first frame: noise of ``state_noise``."""
        c = self.config
        device = self.motion_mean.device
        return [tuple(c.state_noise * torch.randn((batch, c.decoder_hidden),
                                                  generator=generator).to(device)
                      for _ in range(2)) for _ in range(c.decoder_layers)]  # type: ignore[misc]

    def step(self, previous: torch.Tensor, music: torch.Tensor, state: State
             ) -> tuple[torch.Tensor, State]:
        """The next normalised pose (B, 147) from the previous one (B, 147) and the encoded
        music at the predicted frame (B, hidden); returns it and the new state."""
        x = self.pose_drop(self.pose_in(previous))
        if self.config.music_to_decoder:
            x = torch.cat([x, music], dim=1)
        new: State = []
        for cell, hc in zip(self.cells, state, strict=True):
            h, cc = cell(x, hc)
            new.append((h, cc))
            x = h
        return self.head(torch.cat([x, music], dim=1)), new

    def decode(self, music: torch.Tensor, real: torch.Tensor, feed_real: torch.Tensor,
               state: State) -> tuple[torch.Tensor, torch.Tensor]:
        """Predict frames 1..L of a window from encoded music at those frames (B, L, hidden)
        and the real normalised poses of frames 0..L-1 (B, L, 147): the input for frame
        ``i + 1`` is real frame ``i`` where ``feed_real[i]`` (L,) holds, else the decoder's
        own prediction of it (detached, as at generation). ``feed_real[0]`` must hold: frame 0
        has no prediction. Returns the predictions and the inputs fed, each (B, L, 147)."""
        if not bool(feed_real[0]):
            raise ValueError("the first input of a window must be a real pose")
        preds, fed = [], []
        for i in range(real.shape[1]):
            x = real[:, i] if bool(feed_real[i]) else preds[-1].detach()
            pred, state = self.step(x, music[:, i], state)
            preds.append(pred)
            fed.append(x)
        return torch.stack(preds, dim=1), torch.stack(fed, dim=1)
