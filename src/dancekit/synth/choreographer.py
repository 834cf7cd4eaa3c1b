"""The rule-based choreographer: beat grid + style -> a dance on ``smpl24``.

Sequencing follows the music: the style picks the vocabulary, each section's energy picks
calm or big moves, moves fill phrases (8 counts; 6 in 3/4) starting on a downbeat, a
section's second phrase often answers the first with its mirror image (the same steps on the
other side), and the same move never follows itself. Moves are evaluated in beat time, so
they stretch with the tempo; consecutive moves are joined by an offset that decays over the
first beat of the new move (no pops, still a full stop on the count), then planted feet are
locked with leg IK and the root is set so the lowest planted foot touches the floor.

Ballroom styles travel: their figures end away from where they began, facing elsewhere, so
the plan follows the dancer round a floor of ``FLOOR`` metres and favours the figures (and
mirror images) that keep the dancer on it with room ahead, which sends the dance round the
room as the line of dance does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from dancekit.errors import ParameterError
from dancekit.motion import Motion
from dancekit.synth.ballroom import turned
from dancekit.synth.grid import BeatGrid
from dancekit.synth.ik import SWING_LIFT, floor_root_height, lock_feet, smoothstep
from dancekit.synth.moves import MOVES, Move, moves_for
from dancekit.synth.styles import get_style, phrase_beats

FLOOR = (3.5, 2.5)   # half width (x) and half depth (z) of the ballroom floor, metres
ROOM_AHEAD = 1.5     # metres of floor a travelling dancer wants in front after a figure
BALLROOM_SWING = (0.1, 0.2)  # a long stride's foot arc: up 10 cm over the first 20 %
BLEND_BEATS = 1.0    # a transition offset fades out over the new move's first count
LOCK_FADE_BEATS = 0.25


@dataclass(frozen=True)
class Placed:
    """A move placed on the grid: it starts at beat index ``start``."""

    move: Move
    start: int

    def to_dict(self, grid: BeatGrid) -> dict:
        return {"move": self.move.name, "start_beat": self.start, "beats": self.move.beats,
                "start": round(float(grid.time_of(self.start)), 6)}


def _lengths_for(meter: str) -> set[int]:
    return {3, 6} if meter == "3/4" else {2, 4, 8}


def _target_energy(energy: float) -> int:
    return 1 if energy < 0.45 else 2 if energy < 0.8 else 3


def plan(grid: BeatGrid, style: str, rng: np.random.Generator) -> list[Placed]:
    """Choose the moves, phrase by phrase, to cover every beat of ``grid`` (and the bar
    after it, so the dance does not stop before the music does)."""
    sty = get_style(style)
    meter = grid.meter
    phrase = phrase_beats(meter)
    vocab = moves_for(sty.name, _lengths_for(meter))
    if not vocab:
        # A style asked for in a meter it has no moves for (a waltz to 4/4 music): dance it
        # in its own phrase length, still starting on a downbeat and accenting every beat.
        phrase = phrase_beats(sty.meters[0])
        vocab = moves_for(sty.name, _lengths_for(sty.meters[0]))
    lengths = sorted({m.beats for m in vocab})
    fillable = _fillable(phrase, lengths)
    last_beat = float(grid.beat_position(grid.duration)) + 1
    placed: list[Placed] = []
    beat = grid.first_downbeat
    prev_name = ""
    section_first: dict[str, list[Move]] = {}
    floor = _Floor() if sty.travels else None
    while beat < last_beat:
        t0 = float(grid.time_of(beat))
        section = grid.section_at(t0)
        target = _target_energy(section.energy)
        key = f"{section.label}@{section.start:.3f}"
        echo = section_first.get(key)
        if (floor is None and echo and echo[0].name.rstrip("~") != prev_name.rstrip("~")
                and rng.random() < 0.5):
            # Answer the section's first phrase with its mirror image.
            chosen = [m.mirrored() if not m.name.endswith("~") else MOVES[m.name[:-1]]
                      for m in echo]
            section_first.pop(key)
        else:
            chosen = []
            left = phrase
            last = prev_name
            while left > 0:
                fits = [m for m in vocab if m.beats <= left and (left - m.beats) in fillable]
                options = [m for m in fits if m.name != last.rstrip("~")]
                if options and floor is not None:
                    m = floor.choose(options, target, rng)
                elif options:
                    w = np.array([{0: 3.0, 1: 1.0}.get(abs(m.energy - target), 0.15)
                                  for m in options])
                    m = options[int(rng.choice(len(options), p=w / w.sum()))]
                    m = m.mirrored() if rng.random() < 0.5 else m
                else:
                    # Only the previous move fits (a tiny vocabulary): repeat it on the
                    # other side.
                    m = fits[0] if last.endswith("~") else fits[0].mirrored()
                chosen.append(m)
                if floor is not None:
                    floor.advance(m)
                last = m.name
                left -= m.beats
            if key not in section_first and len({m.name.rstrip("~") for m in chosen}) > 1:
                section_first[key] = chosen
        for m in chosen:
            placed.append(Placed(m, beat))
            beat += m.beats
        prev_name = chosen[-1].name
    return placed


class _Floor:
    """Where a travelling dancer is on the floor while the plan is made, and which figure
    keeps it there."""

    def __init__(self) -> None:
        self.pos = np.zeros(2)
        self.face = 0.0

    def _path(self, m: Move) -> tuple[np.ndarray, float]:
        roots = np.array([[k.root[0], k.root[2]] for k in m.keys])
        return self.pos + np.array([turned(self.face, r) for r in roots]), m.keys[-1].yaw

    def choose(self, options: list[Move], target: int, rng: np.random.Generator) -> Move:
        both = [v for m in options for v in (m, m.mirrored())]
        w = np.array([{0: 3.0, 1: 1.0}.get(abs(m.energy - target), 0.15) * self._fit(m)
                      for m in both])
        return both[int(rng.choice(len(both), p=w / w.sum()))]

    def _fit(self, m: Move) -> float:
        """Larger for a figure that progresses (up to 1 m), stays on the floor and leaves
        room ahead; small for one that leaves the floor or ends facing a wall close by."""
        path, yaw = self._path(m)
        outside = np.maximum(np.abs(path) - FLOOR, 0.0).sum(axis=1).max()
        end, ahead = path[-1], turned(self.face + yaw, np.array([0.0, 1.0]))
        with np.errstate(divide="ignore"):
            room = min(((np.sign(a) * np.array(FLOOR)[i] - end[i]) / a
                        for i, a in enumerate(ahead) if abs(a) > 1e-6), default=np.inf)
        progress = min(float(np.linalg.norm(end - self.pos)), 1.0)
        return float(np.exp(-8 * outside) * np.clip(room / ROOM_AHEAD, 0.05, 1.0)
                     * (0.3 + progress))

    def advance(self, m: Move) -> None:
        path, yaw = self._path(m)
        self.pos, self.face = path[-1], self.face + yaw


def _fillable(total: int, lengths: list[int]) -> set[int]:
    """Remainders 0..total that a sum of ``lengths`` can fill exactly."""
    ok = {0}
    for n in range(1, total + 1):
        if any(n - L in ok for L in lengths if L <= n):
            ok.add(n)
    return ok


def choreograph(grid: BeatGrid, style: str, *, seed: int = 0, fps: float = 30.0,
                start: Motion | None = None) -> Motion:
    """Dance ``style`` to ``grid``.

    Parameters
    ----------
    grid : BeatGrid
        Beats, bars and sections of the music.
    style : str
        Vocabulary to dance (see :data:`dancekit.synth.styles.STYLES`).
    seed : int
        Same seed, same dance.
    fps : float
        Frame rate of the result (30 or 60 are usual).
    start : Motion, optional
        An ``smpl24`` motion with rotations to continue from: the dance starts from its last
        pose and position and blends into the first move.

    Returns
    -------
    Motion
        ``smpl24`` positions, rotations and root; ``meta["moves"]`` lists the placed moves
        and ``meta["contacts"]`` the feet (T, 2: left, right) as foot locking saw them:
        0 in the air, 1 planted, 2 planted on the ball of the foot (turning, releve).
    """
    if fps <= 0:
        raise ParameterError(f"fps must be positive, got {fps}")
    rng = np.random.default_rng([seed, 104729])
    placed = plan(grid, style, rng)
    T = max(int(round(grid.duration * fps)), 1)
    b = grid.beat_position(np.arange(T) / fps)
    J = placed[0].move.keys[0].pose.shape[0]

    pose = np.zeros((T, J, 3))
    root = np.zeros((T, 3))
    feet = np.ones((T, 2), dtype=bool)
    pivot = np.zeros((T, 2), dtype=bool)
    lift = np.zeros(T)
    facing = np.zeros(T)

    prev_pose, anchor, face = _start_state(start, placed[0].move)
    first = b < placed[0].start
    pose[first] = prev_pose
    root[first, 0], root[first, 2] = anchor[0], anchor[1]
    facing[first] = face
    for i, p in enumerate(placed):
        end = p.start + p.move.beats
        sel = (b >= p.start) & ((b < end) | (i == len(placed) - 1))
        u = b[sel] - p.start
        s = p.move.sample(u)
        off = prev_pose - p.move.keys[0].pose
        w = 1 - smoothstep(u / BLEND_BEATS)
        pose[sel] = s["pose"] + w[:, None, None] * off
        c, si = np.cos(np.radians(face)), np.sin(np.radians(face))
        rx, rz = s["root"][:, 0], s["root"][:, 2]
        root[sel, 0] = anchor[0] + c * rx + si * rz
        root[sel, 2] = anchor[1] - si * rx + c * rz
        lift[sel] = s["root"][:, 1]
        facing[sel] = face + s["yaw"]
        feet[sel], pivot[sel] = s["feet"], s["pivot"]
        done = p.move.sample(np.array([float(p.move.beats)]))
        prev_pose = done["pose"][0]
        ex, ez = done["root"][0, 0], done["root"][0, 2]
        anchor = (anchor[0] + c * ex + si * ez, anchor[1] - si * ex + c * ez)
        face = face + float(done["yaw"][0])

    # The pelvis carries the facing direction on top of the move's own hip rotation.
    yaw = Rotation.from_rotvec(np.outer(np.radians(facing), [0.0, 1.0, 0.0]))
    pose[:, 0] = (yaw * Rotation.from_rotvec(pose[:, 0])).as_rotvec()
    # A travelling dancer's weight changes feet on every count: a longer smoothing keeps the
    # body gliding instead of bobbing by the centimetre the two feet differ in height.
    travels = get_style(style).travels
    root[:, 1] = floor_root_height(pose, root[:, [0, 2]], feet, lift, fps,
                                   smooth_s=0.15 if travels else 1 / 30)
    beat_frames = fps * float(np.median(np.diff(grid.beats)))
    rot, root = lock_feet(pose, root, feet, pivot,
                          max(int(round(LOCK_FADE_BEATS * beat_frames)), 1),
                          swing=BALLROOM_SWING if travels else (SWING_LIFT, 0.0))
    meta = {
        "source": "dancekit.synth",
        "style": get_style(style).name,
        "seed": int(seed),
        "moves": [p.to_dict(grid) for p in placed],
        "contacts": (feet.astype(np.uint8) + pivot.astype(np.uint8)).tolist(),
    }
    return Motion.from_rotations(rot, root, fps=fps, skeleton="smpl24", meta=meta)


def _start_state(start: Motion | None, first: Move) -> tuple[np.ndarray, tuple, float]:
    """(pose, (x, z) of the root, facing in degrees) the dance begins from."""
    if start is None:
        return first.keys[0].pose.copy(), (0.0, 0.0), 0.0
    if start.skeleton.name != "smpl24" or start.rotations is None or start.root is None:
        raise ParameterError("a seed motion for the procedural dancer must be smpl24 with "
                             "rotations and root (e.g. from dancekit.io.load_motion)")
    last = start.rotations[-1].astype(np.float64).copy()
    pelvis = Rotation.from_rotvec(last[0])
    fwd = pelvis.apply([0.0, 0.0, 1.0])
    face = float(np.degrees(np.arctan2(fwd[0], fwd[2])))
    unturned = Rotation.from_rotvec([0.0, -np.radians(face), 0.0]) * pelvis
    last[0] = unturned.as_rotvec()
    return last, (float(start.root[-1, 0]), float(start.root[-1, 2])), face
