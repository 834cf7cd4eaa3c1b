"""Composition, as published: units synthesised one after another to the music (each
starting from the pose the previous one ended in), decoded, stretched onto the units'
spans of the song and joined into one dance. The beat warper then moves the dance's
kinematic beats onto the music's (``dancekit dance`` runs it after every model).
"""

from __future__ import annotations

import numpy as np
import torch

from dancekit.models.d2m.network import D2MNetwork
from dancekit.models.d2m.units import stretch

TRAVEL = [0, 2]  # the root's x and z among the 147 numbers


def compose_units(net: D2MNetwork, music: torch.Tensor, start: torch.Tensor, style: int,
                  generator: torch.Generator) -> torch.Tensor:
    """Raw units (N, F, 147), each root-relative, for raw per-unit music (N, D), from a first
    pose (147) and a style index (``len(styles)``: none); noise and nothing else drawn from
    ``generator``."""
    c = net.config
    net.eval()
    device = net.motion_mean.device
    units = []
    with torch.no_grad():
        heard = net.hear(music[None].to(device), torch.tensor([style], device=device))
        pose, state = start.clone().to(device), None
        for i in range(len(music)):
            pose[TRAVEL] = 0.0
            initial = ((pose - net.motion_mean) / net.motion_std)[None]
            pose_code, _ = net.encode_initial(initial)
            noise = torch.randn((1, 1, c.noise), generator=generator).to(device)
            code, state = net.compose(heard[:, i:i + 1], noise, pose_code[:, None], state)
            unit = net.decode(pose_code, code[:, 0], initial)[0]
            unit = unit * net.motion_std + net.motion_mean
            units.append(unit)
            pose = unit[-1].clone()
    return torch.stack(units).cpu()


def assemble(units: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Root-relative units (N, F, 147) laid on their spans (N, 2) of frames (consecutive
    spans share an end frame) -> one dance (bounds[-1, 1] + 1, 147), each unit stretched to
    its span and carried on from where the previous one travelled to."""
    out = [units[0][:1]]
    here = np.zeros(2, dtype=units.dtype)
    for unit, (a, b) in zip(units, bounds, strict=True):
        piece = stretch(unit, int(b - a) + 1)
        piece[:, TRAVEL] += here
        here = piece[-1, TRAVEL].copy()
        out.append(piece[1:])
    return np.concatenate(out)
