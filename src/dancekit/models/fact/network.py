"""FACT's network: an audio transformer and a motion transformer whose outputs are
concatenated and fed to a cross-modal transformer with full attention; the future frames are
read out of its first outputs ("future-N": every one is supervised).

It computes and decides nothing: which hypothesis a dance keeps and how windows follow each
other is :mod:`.sampling`; losses and fitting are :mod:`.training`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from dancekit.models.fact.config import BASE_LAG, FACTConfig
from dancekit.models.layers import Transformer
from dancekit.models.music import AUDIO_DIM
from dancekit.models.representation import MOTION_DIM


class FACTNetwork(nn.Module):
    """Normalised seed motion and music in, K hypotheses of the next N frames out.

    Buffers (saved with the weights): normalisation statistics of motion and music, the
    linear base's weights, and a bank of real seed clips to start a dance from.
    """

    def __init__(self, config: FACTConfig) -> None:
        super().__init__()
        config.validate()
        self.config = c = config
        self.audio_dim = AUDIO_DIM + (2 if c.beat_phase else 0)
        self.audio_in = nn.Linear(self.audio_dim, c.hidden)
        self.motion_in = nn.Linear(MOTION_DIM * (2 if c.velocity_input else 1), c.hidden)
        self.style_emb = nn.Embedding(len(c.styles) + 1, c.hidden)  # last row: no style
        self.audio_tf = Transformer(c.audio_layers, c.hidden, c.heads, c.ff, c.dropout,
                                    c.audio_frames)
        self.motion_tf = Transformer(c.motion_layers, c.hidden, c.heads, c.ff, c.dropout,
                                     c.motion_frames)
        queries = c.future_frames if c.future_queries else 0
        self.cross_tf = Transformer(c.cross_layers, c.hidden, c.heads, c.ff, c.dropout,
                                    queries + c.motion_frames + c.audio_frames)
        if c.future_queries:
            self.query_emb = nn.Parameter(torch.zeros(1, c.future_frames, c.hidden))
            nn.init.normal_(self.query_emb, std=0.02)
        self.head = nn.Linear(c.hidden, c.hypotheses * MOTION_DIM)
        if c.predict_change and c.hypotheses == 1:  # start from "hold the last pose"
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)
        elif c.predict_change:  # near "hold", but distinct, so each hypothesis wins somewhere
            nn.init.normal_(self.head.weight, std=0.01)
            nn.init.zeros_(self.head.bias)
        if c.hypotheses > 1:
            self.choice = nn.Linear(c.hidden, c.hypotheses)
        self.register_buffer("motion_mean", torch.zeros(MOTION_DIM))
        self.register_buffer("motion_std", torch.ones(MOTION_DIM))
        if c.velocity_input:
            self.register_buffer("velocity_std", torch.ones(MOTION_DIM))
        if c.linear_base:
            inputs = 3 * MOTION_DIM + (2 if c.beat_phase else 0) + 1
            self.register_buffer("base_weight",
                                 torch.zeros(c.future_frames, inputs, MOTION_DIM))
        self.register_buffer("audio_mean", torch.zeros(self.audio_dim))
        self.register_buffer("audio_std", torch.ones(self.audio_dim))
        self.register_buffer("seeds", torch.zeros(c.seed_bank, c.motion_frames, MOTION_DIM))
        self.register_buffer("seeds_ready", torch.zeros((), dtype=torch.bool))

    def forward(self, motion: torch.Tensor, audio: torch.Tensor,
                style: torch.Tensor | None = None) -> torch.Tensor:
        """Normalised seed motion (B, Sm, 147) and music (B, Sa, 35 or 37 with beat phase) ->
        next (B, N, 147): the most likely of the :meth:`hypotheses`."""
        preds, logits = self.hypotheses(motion, audio, style)
        return pick(preds, logits.argmax(dim=1))

    def hypotheses(self, motion: torch.Tensor, audio: torch.Tensor,
                   style: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Like :meth:`forward`, but every hypothesis: (B, K, N, 147) and the choice head's
        logits (B, K) (zeros when K = 1)."""
        x = self.read_out(motion, audio, style)
        return self.decode(x, motion, audio), self.choice_logits(x)

    def read_out(self, motion: torch.Tensor, audio: torch.Tensor,
                 style: torch.Tensor | None, encoded: torch.Tensor | None = None) -> torch.Tensor:
        """The cross-modal transformer's outputs for the N predicted frames (B, N, C).
        ``encoded``: :meth:`encode_audio` of ``audio``, when already computed."""
        Sm = motion.shape[1]
        tokens = motion
        if self.config.velocity_input:  # the first frame's change is unknown: zero
            change = F.pad(motion.diff(dim=1), (0, 0, 1, 0)) / self.velocity_std
            tokens = torch.cat([motion, change], dim=-1)
        m = self.motion_tf(self.motion_in(tokens))  # (B, Sm, C)
        a = self.encode_audio(audio, style) if encoded is None else encoded  # (B, Sa, C)
        # full attention over both streams; only the first N outputs are read out
        N = self.config.future_frames
        streams = [m, a]
        if self.config.future_queries:  # frame Sm + k's query starts from its own music
            streams.insert(0, a[:, Sm:Sm + N] + self.query_emb)
        return self.cross_tf(torch.cat(streams, dim=1), keep=N)  # (B, N, C)

    def encode_audio(self, audio: torch.Tensor, style: torch.Tensor | None) -> torch.Tensor:
        """The audio transformer over music windows (B, Sa, 37) -> (B, Sa, C); it never sees
        the motion, so generation encodes many windows in one batch."""
        if style is None:
            style = torch.full((audio.shape[0],), len(self.config.styles), dtype=torch.long,
                               device=audio.device)
        return self.audio_tf(self.audio_in(audio) + self.style_emb(style)[:, None])

    def choice_logits(self, x: torch.Tensor) -> torch.Tensor:
        """The choice head's logits (B, K) over the hypotheses, from :meth:`read_out`."""
        if self.config.hypotheses == 1:
            return x.new_zeros(x.shape[0], 1)
        return self.choice(x.mean(dim=1))

    def decode(self, x: torch.Tensor, motion: torch.Tensor, audio: torch.Tensor,
               index: torch.Tensor | None = None,
               base_split: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        """Transformer outputs -> every hypothesis (B, K, N, 147), or with ``index`` (B,) only
        the chosen one (B, 1, N, 147): generation computes just the hypothesis it keeps.
        ``base_split``: :meth:`base_split`, which generation computes once per dance."""
        B, N, _ = x.shape
        K = self.config.hypotheses
        if index is None:
            out = self.head(x).view(B, N, K, MOTION_DIM).transpose(1, 2)  # (B, K, N, 147)
        else:
            weight = self.head.weight.view(K, MOTION_DIM, -1)
            bias = self.head.bias.view(K, MOTION_DIM)
            if B == 1:  # one song (dancekit dance): a plain linear layer, twice as fast
                out = F.linear(x, weight[index[0]], bias[index[0]])[:, None]
            else:
                out = (torch.einsum("bnc,bdc->bnd", x, weight[index])
                       + bias[index][:, None])[:, None]
        if self.config.linear_base and base_split is None:
            out = out + torch.einsum("bnf,nfd->bnd", self.base_inputs(motion, audio),
                                     self.base_weight)[:, None]
        elif self.config.linear_base:
            out = out + self._base_from_split(motion, audio, *base_split)[:, None]
        if self.config.predict_change:
            out = motion[:, None, -1:] + out
        return out

    def base_inputs(self, motion: torch.Tensor, audio: torch.Tensor) -> torch.Tensor:
        """Inputs of the linear base for each predicted frame (B, N, F): the seed's last
        normalised pose, its last change and its mean change over BASE_LAG frames, the
        (normalised) beat phase at that frame, and a constant."""
        c = self.config
        B, N = motion.shape[0], c.future_frames
        parts = [seed_state(motion)[:, None].expand(B, N, -1)]
        if c.beat_phase:
            parts.append(self._predicted_phase(audio))
        parts.append(motion.new_ones(B, N, 1))
        return torch.cat(parts, dim=-1)

    def _predicted_phase(self, audio: torch.Tensor) -> torch.Tensor:
        """The beat-phase channels (B, N, 2) of the music at the N predicted frames."""
        c = self.config
        return audio[:, c.motion_frames:c.motion_frames + c.future_frames,
                     AUDIO_DIM:AUDIO_DIM + 2]

    def base_split(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The linear base's weights rearranged for one dance at a time: the seed's part
        (shared by all N predicted frames) as one (441, N * 147) matrix, and the rest
        (N, F - 441, 147). The same sums as :meth:`base_inputs` with ``base_weight``, but
        one matrix-vector product instead of N: 380 -> 207 us a window."""
        n_now = 3 * MOTION_DIM
        w = self.base_weight
        return (w[:, :n_now].permute(1, 0, 2).reshape(n_now, -1).contiguous(),
                w[:, n_now:].contiguous())

    def _base_from_split(self, motion: torch.Tensor, audio: torch.Tensor, now_weight:
                         torch.Tensor, rest_weight: torch.Tensor) -> torch.Tensor:
        """The linear base (B, N, 147) from :meth:`base_split`'s weights."""
        c = self.config
        B, N = motion.shape[0], c.future_frames
        out = (seed_state(motion) @ now_weight).view(B, N, MOTION_DIM)
        if c.beat_phase:
            out = out + torch.einsum("bnf,nfd->bnd", self._predicted_phase(audio),
                                     rest_weight[:, :2])
        return out + rest_weight[:, -1]

    def norm_motion(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.motion_mean) / self.motion_std

    def norm_audio(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.audio_mean) / self.audio_std


def seed_state(motion: torch.Tensor) -> torch.Tensor:
    """The linear base's view of a normalised seed (B, Sm, 147) -> (B, 441): its last pose,
    its last change and its mean change over BASE_LAG frames."""
    last = motion[:, -1]
    return torch.cat([last, last - motion[:, -2], (last - motion[:, -1 - BASE_LAG]) / BASE_LAG],
                     dim=-1)


def pick(preds: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """(B, K, N, D) hypotheses and (B,) indices -> (B, N, D)."""
    return preds[torch.arange(preds.shape[0], device=preds.device), index]
