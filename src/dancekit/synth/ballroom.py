"""Ballroom figures: the leader's steps of the waltz, rumba, cha-cha and tango in closed hold.

A figure is written as its steps, the way dance manuals write them: which foot, where it
lands relative to the standing foot (in the body's frame after the step's turn), on which
count, how far the body turns and how high it rises. :func:`figure` turns that into keys:
feet are tracked on the floor, the root sits between the feet as the weight arrives on a
count and over the standing foot while the other swings, and the legs are posed to reach
where the feet are (foot locking makes the planted ones exact). Unlike the street and ballet
moves, figures travel and turn: a waltz goes round the room.

The hold is the leader's frame: the left hand raised to about head height holding the
partner's hand, the right hand on the partner's shoulder blade, elbows up and out, the torso
upright and a little back, the head turned to the left over the partner's right shoulder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dancekit.synth.keys import K, Key
from dancekit.synth.poses import arm, head, leg, pelvis, torso

HOLD = [arm("l", 8, 30, 100, -85), arm("r", -5, 45, 115, 20), torso(bend=-4),
        head(turn=20, nod=-6)]
FEET_APART = 0.16       # metres between the feet standing closed (hip width)
HIP_X = 0.06            # a hip joint's distance from the pelvis, sideways
LEG = 0.8               # hip to floor, standing


@dataclass(frozen=True)
class Step:
    """Weight arrives on ``foot`` ("L"/"R") at ``beat``. ``to``: where the foot lands,
    (left, forward) metres from the standing foot, or None to take the weight where the foot
    already is (a replace or a rock). ``turn``: degrees the body turns left during the step.
    ``rise``: 0 down, 1 up on the balls of both feet. ``body``: fragments (hips, arms, head)
    held at the step."""

    beat: float
    foot: str
    to: tuple[float, float] | None
    turn: float = 0.0
    rise: float = 0.0
    body: tuple = ()


@dataclass(frozen=True)
class Manner:
    """How a dance carries itself: standing knee bend, the swinging leg's knee, where in
    the step the swing peaks (later is sharper, staccato), the weight's share on the new foot
    as it lands, and the hip action that goes with a step (latin)."""

    knee: float
    swing_knee: float
    swing_at: float = 0.5
    land_weight: float = 0.65
    hips: float = 0.0


def turned(yaw: float, v: np.ndarray) -> np.ndarray:
    """A floor vector (x left, z forward) of a body turned ``yaw`` degrees left."""
    c, s = np.cos(np.radians(yaw)), np.sin(np.radians(yaw))
    return np.array([c * v[0] + s * v[1], -s * v[0] + c * v[1]])


def _legs(feet: dict[str, np.ndarray], root: np.ndarray, yaw: float, knees: dict[str, float],
          rise: float) -> list:
    """Leg fragments that put each foot about where ``feet`` says, seen from the root."""
    out = []
    for side, sign in (("L", 1.0), ("R", -1.0)):
        local = turned(-yaw, feet[side] - root)
        fwd = float(np.degrees(np.arctan2(local[1], LEG)))
        out_deg = float(np.degrees(np.arctan2(sign * local[0] - HIP_X, LEG)))
        knee = knees[side] * (1 - 0.7 * rise)
        out.append(leg(side.lower(), fwd=fwd + knee / 2, out=out_deg, knee=knee,
                       point=12 * rise))
    return out


def figure(beats: int, manner: Manner, frame: list, steps: list[Step]) -> list[Key]:
    """Keys of a figure of ``beats`` counts from its steps (see the module docstring). A
    step's ``body`` holds until the next step lands, so an opened arm stays open."""
    feet = {"L": np.array([FEET_APART / 2, 0.0]), "R": np.array([-FEET_APART / 2, 0.0])}
    root, yaw, t_prev, body = np.zeros(2), 0.0, 0.0, ()
    straight = {"L": manner.knee, "R": manner.knee}
    keys = [K(0, *frame, *_legs(feet, root, 0.0, straight, 0.0))]
    for st in steps:
        other = "R" if st.foot == "L" else "L"
        new_yaw = yaw + st.turn
        target = feet[st.foot] if st.to is None else feet[other] + turned(new_yaw, np.array(st.to))
        turning = st.turn != 0 or st.rise > 0
        slow = st.beat - t_prev > 1
        if st.to is not None:
            # A slow step (and the rumba's 1) collects the foot under the body on the count
            # before it lands: every count is an accent.
            mid_t = st.beat - 1 if slow else t_prev + manner.swing_at * (st.beat - t_prev)
            swing = {**feet, st.foot: (feet[st.foot] + target) / 2}
            over = 0.8 * feet[other] + 0.2 * target
            knees = {other: manner.knee, st.foot: manner.swing_knee}
            keys.append(K(mid_t, *frame, *_legs(swing, over, yaw + st.turn / 2, knees, 0.0),
                          *_hips(manner, other), *body,
                          feet=other.lower() if turning else other,
                          root=(over[0], 0.0, over[1]), yaw=yaw + st.turn / 2, hit=slow))
        elif slow:
            last = keys[-1]
            keys.append(Key(st.beat - 1, last.pose, last.feet, last.root, last.yaw, True))
        feet = {**feet, st.foot: target}
        root = manner.land_weight * target + (1 - manner.land_weight) * feet[other]
        yaw = new_yaw
        keys.append(K(st.beat, *frame, *_legs(feet, root, yaw, straight, st.rise),
                      *_hips(manner, st.foot), *st.body, feet="lr" if turning else "LR",
                      root=(root[0], 0.0, root[1]), yaw=yaw, hit=True))
        t_prev, body = st.beat, st.body
    # The figure ends with the weight between the feet, where the next one starts from.
    end = (feet["L"] + feet["R"]) / 2
    keys.append(K(beats, *frame, *_legs(feet, end, yaw, straight, 0.0),
                  root=(end[0], 0.0, end[1]), yaw=yaw, hit=True))
    if steps and steps[-1].beat == beats:
        del keys[-2]
    return keys


def _hips(manner: Manner, standing: str) -> list:
    """Latin hip action: the hip over the standing leg rises and goes out, the chest stays."""
    if not manner.hips:
        return []
    roll = -manner.hips if standing == "L" else manner.hips
    return [pelvis(roll=roll), torso(side=roll, bend=-4)]


def S(beat: float, foot: str, to: tuple[float, float] | None = None, turn: float = 0.0,
      rise: float = 0.0, *body) -> Step:
    """A :class:`Step`, short for the tables below."""
    return Step(float(beat), foot, to, float(turn), float(rise), tuple(body))


WALTZ = Manner(knee=12, swing_knee=30)
TANGO = Manner(knee=22, swing_knee=35, swing_at=0.75, land_weight=0.8)
LATIN = Manner(knee=4, swing_knee=25, land_weight=0.75, hips=9)
W = FEET_APART
FAN = (arm("l", -25, 30, 20), arm("r", -10, -10, 15))   # open: the partner out to the left
RAISED = (arm("l", 60, 35, 40),)                        # the partner turning under the arm


def _bar(start: int, foot: str, turns=(0, 0, 0), *moves) -> list[Step]:
    """A waltz bar of three steps on counts 1, 2, 3 rising on 2 and 3: ``moves`` gives where
    each lands (None: the close to the other foot), the first foot ``foot``."""
    other = "R" if foot == "L" else "L"
    close = (W, 0.0) if foot == "L" else (-W, 0.0)
    return [S(start + 1, foot, moves[0], turns[0], 0.2),
            S(start + 2, other, moves[1], turns[1], 1.0),
            S(start + 3, foot, moves[2] or close, turns[2], 0.6)]


def _chasse(beat: float, foot: str, side: float) -> list[Step]:
    """The cha-cha-cha on 4 & 1: side, half close, side, with ``foot`` leading."""
    sign = 1.0 if foot == "L" else -1.0
    other = "R" if foot == "L" else "L"
    return [S(beat, foot, (sign * side, 0.0)), S(beat + 0.5, other, (-sign * 0.1, 0.0)),
            S(beat + 1, foot, (sign * side, 0.0))]


def figures() -> list[tuple[str, str, int, int, list[Key]]]:
    """(name, style, counts, energy 1-3, keys) of every ballroom figure. Mirror images (the
    choreographer dances those too) turn the other way: a natural turn's is a reverse turn."""
    wf, lf, tf = [*HOLD], [*HOLD], [*HOLD, torso(bend=-2)]
    return [
        ("closed_change", "waltz", 3, 1, figure(3, WALTZ, wf, _bar(
            0, "L", (0, 0, 0), (W, 0.45), (-0.38, 0.1), None))),
        ("waltz_box", "waltz", 6, 1, figure(6, WALTZ, wf, [
            *_bar(0, "L", (0, 0, 0), (W, 0.45), (-0.38, 0.0), None),
            *_bar(3, "R", (0, 0, 0), (-W, -0.45), (0.38, 0.0), None)])),
        ("turning_box", "waltz", 6, 2, figure(6, WALTZ, wf, [
            *_bar(0, "L", (20, 15, 10), (W, 0.45), (-0.38, 0.0), None),
            *_bar(3, "R", (20, 15, 10), (-W, -0.45), (0.38, 0.0), None)])),
        ("natural_turn", "waltz", 6, 3, figure(6, WALTZ, wf, [
            *_bar(0, "R", (-45, -60, -30), (-W, 0.55), (0.42, 0.05), None),
            *_bar(3, "L", (-45, -60, -30), (W, -0.45), (-0.35, 0.0), None)])),
        ("reverse_turn", "waltz", 6, 2, figure(6, WALTZ, wf, [
            *_bar(0, "L", (30, 40, 20), (W, 0.55), (-0.42, 0.05), None),
            *_bar(3, "R", (30, 40, 20), (-W, -0.45), (0.35, 0.0), None)])),
        ("whisk", "waltz", 3, 2, figure(3, WALTZ, wf, [
            S(1, "L", (W, 0.45), 0, 0.2), S(2, "R", (-0.35, 0.15), 0, 1.0),
            S(3, "L", (-0.05, -0.12), 15, 0.6, torso(twist=-10), head(turn=40))])),
        ("chasse_from_promenade", "waltz", 3, 2, figure(3, WALTZ, wf, [
            S(1, "R", (-0.1, 0.45), -15, 0.2), S(2, "L", (0.3, 0.05), 0, 1.0),
            S(2.5, "R", (-W, 0.0), 0, 1.0), S(3, "L", (0.3, 0.0), 15, 0.6)])),
        # Rumba: steps on 2, 3, 4; the hips finish the action through 1.
        ("rumba_basic", "rumba", 8, 1, figure(8, LATIN, lf, [
            S(1, "L", (W, 0.3)), S(2, "R"), S(3, "L", (0.32, 0.0)),
            S(5, "R", (-W, -0.3)), S(6, "L"), S(7, "R", (-0.32, 0.0))])),
        ("progressive_walks", "rumba", 4, 2, figure(4, LATIN, lf, [
            S(1, "L", (W, 0.45)), S(2, "R", (-W, 0.45)), S(3, "L", (W, 0.0))])),
        ("fan", "rumba", 8, 2, figure(8, LATIN, lf, [
            S(1, "L", (W, 0.3)), S(2, "R"), S(3, "L", (0.3, -0.1), 0, 0, *FAN),
            S(5, "R", (-W, -0.3), 0, 0, *FAN), S(6, "L", None, 0, 0, *FAN),
            S(7, "R", (-0.3, 0.0), 0, 0, *FAN)])),
        ("hockey_stick", "rumba", 8, 3, figure(8, LATIN, lf, [
            S(1, "L", (W, 0.25), 0, 0, *FAN), S(2, "R", None, 0, 0, *FAN),
            S(3, "L", (W, 0.0), 0, 0, *RAISED), S(5, "R", (-W, -0.3), 0, 0, *RAISED),
            S(6, "L", None, 20, 0, *RAISED), S(7, "R", (-W, 0.45), 25)])),
        ("alemana", "rumba", 8, 3, figure(8, LATIN, lf, [
            S(1, "L", (W, 0.3)), S(2, "R"), S(3, "L", (W, 0.0)),
            S(5, "R", (-W, -0.3), 0, 0, *RAISED), S(6, "L", None, 15, 0, *RAISED),
            S(7, "R", (-W, 0.1), 15, 0, *RAISED)])),
        ("rumba_spot_turn", "rumba", 4, 3, figure(4, LATIN, lf, [
            S(1, "R", (-0.05, 0.15), -120), S(2, "L", (W, 0.0), -120),
            S(3, "R", (-W, 0.0), -120)])),
        ("cucarachas", "rumba", 4, 1, figure(4, LATIN, lf, [
            S(1, "L", (0.3, 0.0)), S(2, "R"), S(3, "L", (W, 0.0))])),
        # Cha-cha: 2, 3, 4 & 1, the chasse on 4 & 1.
        ("chacha_basic", "chacha", 8, 2, figure(8, LATIN, lf, [
            S(1, "L", (W, 0.28)), S(2, "R"), *_chasse(3, "L", 0.2),
            S(5, "R", (-W, -0.28)), S(6, "L"), *_chasse(7, "R", 0.2)])),
        ("new_york", "chacha", 4, 2, figure(4, LATIN, lf, [
            S(1, "L", (W, 0.35), -60, 0, arm("r", 0, 30, 40)), S(2, "R", None, 60),
            *_chasse(3, "L", 0.2)])),
        ("chacha_spot_turn", "chacha", 4, 3, figure(4, LATIN, lf, [
            S(1, "L", (0.05, 0.15), 120), S(2, "R", (-W, 0.0), 120), S(3, "L", (W, 0.0), 120),
            S(3.5, "R", (-0.1, 0.0)), S(4, "L", (0.2, 0.0))])),
        ("forward_lock", "chacha", 4, 2, figure(4, LATIN, lf, [
            S(1, "R", (-W, 0.35)), S(2, "L", (W, 0.35)), S(3, "R", (-W, 0.3)),
            S(3.5, "L", (0.04, -0.08)), S(4, "R", (-W, 0.3))])),
        ("side_chasses", "chacha", 4, 1, figure(4, LATIN, lf, [
            *_chasse(1, "L", 0.25), *_chasse(3, "R", 0.25)])),
        ("hand_to_hand", "chacha", 4, 2, figure(4, LATIN, lf, [
            S(1, "L", (W, -0.3), 30, 0, arm("r", 0, 20, 40)), S(2, "R", None, -30),
            *_chasse(3, "L", 0.2)])),
        # Tango: slow = 2 counts, quick = 1; knees flexed, the steps staccato.
        ("tango_walks", "tango", 8, 1, figure(8, TANGO, tf, [
            S(2, "L", (W, 0.55)), S(4, "R", (-W, 0.55)), S(5, "L", (W, 0.5)),
            S(6, "R", (-0.35, 0.05)), S(8, "L", (W, 0.0))])),
        ("progressive_link", "tango", 4, 2, figure(4, TANGO, tf, [
            S(1, "L", (W, 0.45)), S(2, "R", (-0.3, 0.0), 0, 0, torso(twist=-15), head(turn=45)),
            S(4, "L", (0.35, 0.05), 0, 0, head(turn=45))])),
        ("closed_promenade", "tango", 8, 2, figure(8, TANGO, tf, [
            S(2, "L", (0.35, 0.1), 0, 0, head(turn=45)), S(3, "R", (-W, 0.45)),
            S(4, "L", (0.35, 0.05)), S(6, "R", (-0.2, 0.05)), S(8, "L", (W, 0.4))])),
        ("open_reverse_turn", "tango", 8, 3, figure(8, TANGO, tf, [
            S(2, "L", (W, 0.45), 40), S(3, "R", (-0.3, 0.05), 50), S(4, "L", (W, -0.35), 40),
            S(6, "R", (-W, -0.4), 40), S(7, "L", (0.3, 0.0), 50), S(8, "R", (-W, 0.0), 50)])),
        ("rock_turn", "tango", 8, 2, figure(8, TANGO, tf, [
            S(2, "R", (-W, 0.45)), S(3, "L"), S(4, "R"), S(6, "L", (W, -0.3), -45),
            S(7, "R", (-0.3, 0.0), -45), S(8, "L", (W, 0.0))])),
        ("tango_close", "tango", 4, 1, figure(4, TANGO, tf, [
            S(1, "L", (W, 0.45)), S(2, "R", (-0.35, 0.05)), S(4, "L", (W, 0.0))])),
    ]
