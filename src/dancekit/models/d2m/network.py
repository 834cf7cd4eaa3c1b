"""The DU-VAE (an initial-pose encoder, a recurrent movement encoder and a recurrent unit
decoder) and the MM-GAN (a recurrent generator of movement codes from the music, and a
recurrent discriminator of (music, dance) pairs). Tensors in, tensors out: what to train
and how to dance is decided in :mod:`.training` and :mod:`.sampling`.

Poses are the 147 numbers of :mod:`dancekit.models.representation`, normalised by the
statistics in the buffers. The decoder's poses are whole poses, and the gap between its
first one and the unit's initial pose is faded out over the unit: a decoded unit starts
exactly where it was asked to (units composed one after another join without a jump) and
ends where the decoder put it. Adding the decoder's output to the initial pose instead made
composition a random walk: over 100 s of rumba the pelvis rose from 1.1 to 3.2 m, one
unit's small bias after another.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.func import functional_call

from dancekit.models.d2m.config import D2MConfig
from dancekit.models.representation import MOTION_DIM


class Discriminator(nn.Module):
    """A sequence of units (B, N, F, 147) and the music over each (B, N, D), both
    normalised -> a realness score (B,) and style logits (B, styles): each unit is read by
    two strided convolutions and averaged over time, joined with its music, and a GRU reads
    the units in order."""

    def __init__(self, config: D2MConfig) -> None:
        super().__init__()
        d = config.dis_hidden
        self.unit = nn.Sequential(nn.Conv1d(MOTION_DIM, d, 4, 2, 1), nn.LeakyReLU(0.2),
                                  nn.Conv1d(d, d, 4, 2, 1), nn.LeakyReLU(0.2))
        self.music = nn.Linear(config.music_dim, d)
        self.rnn = nn.GRU(2 * d, d, batch_first=True)
        self.score = nn.Linear(d, 1)
        self.style = nn.Linear(d, max(len(config.styles), 1))

    def forward(self, units: torch.Tensor, music: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
        B, N, F, D = units.shape
        seen = self.unit(units.reshape(B * N, F, D).transpose(1, 2)).mean(2).reshape(B, N, -1)
        h, _ = self.rnn(torch.cat([seen, torch.relu(self.music(music))], dim=2))
        return self.score(h[:, -1])[:, 0], self.style(h[:, -1])


class D2MNetwork(nn.Module):
    """The DU-VAE and the MM-GAN with the statistics they read.

    Buffers (saved with the weights): pose and music normalisation, a bank of real initial
    poses to start a dance from, the training units' median length in seconds (how many
    music beats a composed unit spans) and the count of training steps (which stage runs).
    """

    def __init__(self, config: D2MConfig) -> None:
        super().__init__()
        config.validate()
        self.config = c = config
        codes = c.pose_code + c.move_code
        self.initial_encoder = nn.Sequential(nn.Linear(MOTION_DIM, c.hidden), nn.LeakyReLU(0.2),
                                             nn.Linear(c.hidden, 2 * c.pose_code))
        self.movement_encoder = nn.GRU(MOTION_DIM, c.hidden, batch_first=True)
        self.movement_out = nn.Linear(c.hidden, 2 * c.move_code)
        self.decoder_start = nn.Linear(codes, c.hidden)
        self.decoder = nn.GRU(codes + 1, c.hidden, batch_first=True)
        self.decoder_out = nn.Linear(c.hidden, MOTION_DIM)
        self.music_in = nn.Sequential(nn.Linear(c.music_dim, c.music_hidden), nn.LeakyReLU(0.2))
        self.style_emb = nn.Embedding(len(c.styles) + 1, c.music_hidden)  # last row: none
        self.generator = nn.GRU(c.music_hidden + c.noise + c.pose_code, c.hidden,
                                batch_first=True)
        self.generator_out = nn.Linear(c.hidden, c.move_code)
        self.discriminator = Discriminator(c)
        self.register_buffer("motion_mean", torch.zeros(MOTION_DIM))
        self.register_buffer("motion_std", torch.ones(MOTION_DIM))
        self.register_buffer("music_mean", torch.zeros(c.music_dim))
        self.register_buffer("music_std", torch.ones(c.music_dim))
        self.register_buffer("starts", torch.zeros(c.seed_bank, MOTION_DIM))
        self.register_buffer("starts_ready", torch.zeros((), dtype=torch.bool))
        self.register_buffer("unit_seconds", torch.ones(()))
        self.register_buffer("trained_steps", torch.zeros((), dtype=torch.long))

    # --- DU-VAE ------------------------------------------------------------------------------
    def encode_initial(self, pose: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Normalised initial poses (..., 147) -> mean and log-variance of the pose code."""
        return self.initial_encoder(pose).chunk(2, dim=-1)

    def encode_movement(self, units: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Normalised units (U, F, 147) -> mean and log-variance of the movement code."""
        _, h = self.movement_encoder(units)
        return self.movement_out(h[-1]).chunk(2, dim=-1)

    def decode(self, pose_code: torch.Tensor, move_code: torch.Tensor,
               initial: torch.Tensor) -> torch.Tensor:
        """Codes (U, pose_code), (U, move_code) and the normalised initial poses (U, 147) ->
        normalised units (U, F, 147) whose first frame is ``initial``, fading into the
        decoder's own poses by the last."""
        return decode_with(self, dict(self.named_parameters()), pose_code, move_code, initial)

    # --- MM-GAN ------------------------------------------------------------------------------
    def hear(self, music: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        """Raw per-unit music (B, N, D) and style indices (B,) (``len(styles)``: none) ->
        (B, N, music_hidden)."""
        x = self.music_in((music - self.music_mean) / self.music_std)
        return x + self.style_emb(style)[:, None]

    def compose(self, heard: torch.Tensor, noise: torch.Tensor, pose_code: torch.Tensor,
                state: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Movement codes (B, N, move_code) for units with heard music (B, N, music_hidden),
        noise (B, N, noise) and their initial poses' codes (B, N, pose_code); returns them
        and the generator's state, to go on one unit at a time."""
        h, state = self.generator(torch.cat([heard, noise, pose_code], dim=2), state)
        return self.generator_out(h), state

    def judge(self, units: torch.Tensor, music: torch.Tensor, *, frozen: bool = False
              ) -> tuple[torch.Tensor, torch.Tensor]:
        """The discriminator on normalised units (B, N, F, 147) and raw music (B, N, D);
        ``frozen`` reads its weights detached, so the generator's loss trains no part of
        it."""
        music = (music - self.music_mean) / self.music_std
        if not frozen:
            return self.discriminator(units, music)
        weights = {k: v.detach() for k, v in self.discriminator.named_parameters()}
        return functional_call(self.discriminator, weights, (units, music))


def decode_with(net: D2MNetwork, weights: dict[str, torch.Tensor], pose_code: torch.Tensor,
                move_code: torch.Tensor, initial: torch.Tensor) -> torch.Tensor:
    """:meth:`D2MNetwork.decode` with the decoder's ``weights`` given (detached ones decode
    the generator's codes without training the DU-VAE)."""
    F = net.config.unit_frames
    z = torch.cat([pose_code, move_code], dim=-1)

    def part(name: str, *args: torch.Tensor) -> torch.Tensor:
        module = getattr(net, name)
        mine = {k.split(".", 1)[1]: v for k, v in weights.items() if k.startswith(name + ".")}
        return functional_call(module, mine, args)

    clock = torch.linspace(0, 1, F, device=z.device)[None, :, None].expand(len(z), F, 1)
    start = torch.tanh(part("decoder_start", z))[None].contiguous()
    h, _ = part("decoder", torch.cat([z[:, None].expand(-1, F, -1), clock], dim=2), start)
    poses = part("decoder_out", h)
    return poses + (initial[:, None] - poses[:, :1]) * (1 - clock)
