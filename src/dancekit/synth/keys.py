"""Keyframes and moves: the data a dance move is made of, timed in beats.

A :class:`Move` is a list of :class:`Key` poses at beat positions. Keys marked ``hit`` are
accents: the body arrives there and stops for an instant (zero velocity), so the kinematic
beats of the dance land on those counts. Other keys are waypoints the body flows through
(Catmull-Rom tangents). Each key also says which feet carry weight (``"LR"``, ``"L"``,
``"R"`` or ``""`` in the air; lower-case ``"l"``/``"r"`` pivot: the foot stays in place
but may turn, as in a turn), where the root is relative to the start of the move (metres, in
the dancer's frame at the start of the move: +x the dancer's left, +z forward; y is the jump
height above the floor level the feet define) and how far the dancer has turned (degrees, to
the left).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dancekit.synth.poses import IDX, mirror_pose, pose

HOLD_JOINTS = [IDX[f"{side}_{part}"] for side in ("left", "right")
               for part in ("collar", "shoulder", "elbow", "wrist", "hand")] + [
    IDX["neck"], IDX["head"]]


@dataclass(frozen=True)
class Key:
    beat: float
    pose: np.ndarray            # (J, 3) local axis-angle, radians
    feet: str = "LR"
    root: tuple[float, float, float] = (0.0, 0.0, 0.0)
    yaw: float = 0.0
    hit: bool = True


@dataclass(frozen=True)
class Move:
    """A move of ``beats`` counts for ``styles``; ``energy`` 1 (calm) .. 3 (big). A move
    danced ``held`` (a ballroom figure in closed hold) keeps its arms and head when mirrored:
    the partner stays on the leader's right whichever way the feet go."""

    name: str
    styles: tuple[str, ...]
    beats: int
    energy: int
    keys: tuple[Key, ...]
    held: bool = False

    def mirrored(self) -> Move:
        swap = str.maketrans("LRlr", "RLrl")
        keys = tuple(Key(k.beat, self._mirror_pose(k.pose), k.feet.translate(swap),
                         (-k.root[0], k.root[1], k.root[2]), -k.yaw, k.hit) for k in self.keys)
        return Move(self.name + "~", self.styles, self.beats, self.energy, keys, self.held)

    def _mirror_pose(self, p: np.ndarray) -> np.ndarray:
        out = mirror_pose(p)
        if self.held:
            out[HOLD_JOINTS] = p[HOLD_JOINTS]
        return out

    def sample(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """Evaluate at beat offsets ``u`` (clamped to the move): ``pose`` (n, J, 3),
        ``root`` (n, 3), ``yaw`` (n,) degrees, ``feet`` (n, 2) bool planted, ``pivot``
        (n, 2) bool (planted but free to turn)."""
        u = np.clip(np.asarray(u, dtype=np.float64), 0.0, float(self.beats))
        t = np.array([k.beat for k in self.keys])
        vals = np.stack([np.concatenate([k.pose.ravel(), k.root, [k.yaw]]) for k in self.keys])
        tang = np.zeros_like(vals)
        for i, k in enumerate(self.keys):
            if not k.hit and 0 < i < len(self.keys) - 1:
                tang[i] = (vals[i + 1] - vals[i - 1]) / (t[i + 1] - t[i - 1])
        seg = np.clip(np.searchsorted(t, u, side="right") - 1, 0, len(t) - 2)
        h = t[seg + 1] - t[seg]
        s = (u - t[seg]) / h
        # Between two accents, ease with zero velocity and acceleration at both ends
        # (smootherstep): the body settles into each count, a crisp, readable hit.
        hits = np.array([k.hit for k in self.keys])
        both = hits[seg] & hits[seg + 1]
        s = np.where(both, s * s * s * (s * (6 * s - 15) + 10), s)[:, None]
        h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
        h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
        out = (h00 * vals[seg] + h10 * h[:, None] * tang[seg] + h01 * vals[seg + 1]
               + h11 * h[:, None] * tang[seg + 1])
        J = self.keys[0].pose.shape[0]
        feet = np.zeros((len(u), 2), dtype=bool)
        pivot = np.zeros((len(u), 2), dtype=bool)
        for side, (hard, soft) in enumerate((("L", "l"), ("R", "r"))):
            down = np.array([hard in k.feet or soft in k.feet for k in self.keys])
            piv = np.array([soft in k.feet for k in self.keys])
            at_key = np.isclose(u, t[seg]) | np.isclose(u, t[seg + 1])
            near = np.where(np.abs(u - t[seg]) <= np.abs(u - t[seg + 1]), seg, seg + 1)
            feet[:, side] = (down[seg] & down[seg + 1]) | (at_key & down[near])
            pivot[:, side] = feet[:, side] & (piv[seg] | piv[seg + 1])
        return {"pose": out[:, : J * 3].reshape(-1, J, 3), "root": out[:, J * 3: J * 3 + 3],
                "yaw": out[:, -1], "feet": feet, "pivot": pivot}


def K(beat: float, *frags, feet: str = "LR", root=(0.0, 0.0, 0.0), yaw: float = 0.0,
      hit: bool | None = None) -> Key:
    """A key; on-beat keys are hits unless told otherwise, off-beat keys flow."""
    if hit is None:
        hit = float(beat).is_integer()
    flat = [f for item in frags for f in (item if isinstance(item, list) else [item])]
    return Key(float(beat), pose(*flat), feet, tuple(float(x) for x in root), float(yaw), hit)
