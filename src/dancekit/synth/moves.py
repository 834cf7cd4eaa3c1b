"""The move library: dance moves authored as keyframed joint rotations, timed in beats.

Street, latin-club and ballet moves return to their starting spot and turns complete 360
degrees, so the dancer keeps to a spot over a long song; the ballroom figures
(:mod:`dancekit.synth.ballroom`) travel and turn, and the choreographer steers them round the
floor. Moves are written for the dancer's left side; the choreographer also uses their
mirror images.

:class:`Key`, :class:`Move` and :func:`K` live in :mod:`dancekit.synth.keys`.
"""

from __future__ import annotations

import numpy as np

from dancekit.synth.ballroom import figures
from dancekit.synth.keys import K, Key, Move
from dancekit.synth.poses import (
    arm,
    arms,
    head,
    leg,
    legs,
    pelvis,
    shrug,
    torso,
)

MOVES: dict[str, Move] = {}


def _move(name: str, styles: str, beats: int, energy: int, *keys: Key,
          held: bool = False) -> None:
    if keys[0].beat != 0 or keys[-1].beat != beats:
        raise ValueError(f"move {name}: keys must span 0..{beats}")
    MOVES[name] = Move(name, tuple(styles.split()), beats, energy, keys, held)


# --- stances ---------------------------------------------------------------------------------
def groove(depth: float = 1.0) -> list:
    """Street stance: knees soft, chest over the feet, arms loose and bent."""
    return [legs(fwd=15 * depth, knee=30 * depth), torso(bend=8 * depth), arms(-65, 30, 75)]


UPRIGHT = [legs(fwd=4, knee=8), arms(-72, 15, 25)]
LATIN = [legs(fwd=4, knee=6), arms(-20, 40, 85), head(nod=-5)]
BALLET = [legs(turnout=35), arms(-62, 45, 30), head(nod=-6)]
FIRST = arms(-20, 75, 40)      # ballet arms in first position
FIFTH = arms(72, 55, 40)       # en haut
SECOND = arms(-8, 20, 15)      # a la seconde
DOWN = legs(fwd=25, knee=48)   # a bounce's bottom
UP = legs(fwd=8, knee=14)


def apart(dx: float, **kw: float) -> list:
    """Both legs for feet ``dx`` metres further apart than the hips, root centred."""
    a = float(np.degrees(np.arcsin(np.clip(dx / 2 / 0.82, -1, 1))))
    return [leg("l", out=a, **kw), leg("r", out=a, **kw)]


def lean(dx: float, **kw: float) -> list:
    """Legs parallel, root ``dx`` metres left of the feet (weight shifted left)."""
    a = float(np.degrees(np.arcsin(np.clip(dx / 0.82, -1, 1))))
    return [leg("l", out=-a, **kw), leg("r", out=a, **kw)]


def turn(base: list, during: list, beats: int, degrees: float,
         lift: tuple[float, float]) -> list[Key]:
    """A stepped turn over ``beats`` counts: on each count both feet are down on their
    balls; between counts one foot pivots while the other (lifted by ``lift`` = hip flexion,
    knee bend) steps round, the feet taking turns, so the legs never wind round each other.
    The last key stands in ``base``."""
    keys = [K(0, *base)]
    for b in range(beats):
        free = "r" if b % 2 == 0 else "l"
        keys.append(K(b + 0.5, *base, *during, leg(free, fwd=lift[0], knee=lift[1]),
                      feet="l" if free == "r" else "r", yaw=degrees * (b + 0.5) / beats))
        last = b + 1 == beats
        keys.append(K(b + 1, *base, *([] if last else during), feet="LR" if last else "lr",
                      yaw=degrees * (b + 1) / beats))
    return keys


# --- street: hip-hop, house, pop ------------------------------------------------------------
def _bounce() -> None:
    keys = []
    for b in range(5):
        swing = 1 if b % 2 else -1
        keys.append(K(b, DOWN, torso(bend=16), arm("l", -60, 30 + 20 * swing, 85),
                      arm("r", -60, 30 - 20 * swing, 85), head(nod=8)))
        if b < 4:
            keys.append(K(b + 0.5, UP, torso(bend=5), arms(-68, 30, 70), head(nod=-2)))
    _move("bounce", "hiphop house pop", 4, 1, *keys)


def _rock() -> None:
    """Chest forward and down on one count, back and up on the next: every count a hit."""
    fwd = [*groove(1.3), torso(bend=22), arms(-55, 50, 95), head(nod=12)]
    back = [*groove(0.6), torso(bend=-6), arms(-75, 10, 50), head(nod=-10)]
    _move("rock", "hiphop", 4, 1, *[K(b, *(fwd if b % 2 == 0 else back)) for b in range(5)])


def _step_touch(name: str, styles: str, arms_on: list, energy: int) -> None:
    g = groove(0.8)
    _move(name, styles, 4, energy,
          K(0, *g),
          K(0.5, *g, leg("l", fwd=25, out=12, knee=45), feet="R", root=(0.06, 0, 0)),
          K(1, *g, *lean(0.0), *apart(0.25, fwd=12, knee=24), *arms_on[0], root=(0.125, 0, 0)),
          K(1.5, *g, leg("r", fwd=25, out=-4, knee=45), feet="L", root=(0.2, 0, 0)),
          K(2, *g, *arms_on[1], root=(0.25, 0, 0)),
          K(2.5, *g, leg("r", fwd=25, out=12, knee=45), feet="L", root=(0.19, 0, 0)),
          K(3, *g, *apart(0.25, fwd=12, knee=24), *arms_on[2], root=(0.125, 0, 0)),
          K(3.5, *g, leg("l", fwd=25, out=-4, knee=45), feet="R", root=(0.06, 0, 0)),
          K(4, *g, *arms_on[3]))


def _street() -> None:
    _bounce()
    _rock()
    loose = [[arms(-60, 40, 80)], [arms(-70, 20, 60)], [arms(-60, 40, 80)], [arms(-70, 20, 60)]]
    _step_touch("step_touch", "pop house hiphop", loose, 1)
    clap = [[arms(-30, 80, 60)], [arms(50, 80, 70)], [arms(-30, 80, 60)], [arms(50, 80, 70)]]
    _step_touch("clap_step", "pop", clap, 2)
    punch = [[arm("l", 80, 30, 10), arm("r", -50, 40, 100)], [arms(-40, 60, 110)],
             [arm("r", 80, 30, 10), arm("l", -50, 40, 100)], [arms(-40, 60, 110)]]
    _step_touch("punch_step", "pop house", punch, 3)

    g = groove()
    # Arm wave: a ripple from the left hand through the shoulders to the right hand.
    _move("arm_wave", "hiphop pop house", 4, 2,
          K(0, *g, arms(0, 10, 0)),
          K(1, *g, arm("l", 20, 5, 40, wrist=-40), arm("r", -5, 10, 0), shrug("l", 15)),
          K(2, *g, arms(10, 10, 0), shrug("l", 0), shrug("r", 0), torso(side=10)),
          K(3, *g, arm("r", 20, 5, 40, wrist=40), arm("l", -5, 10, 0), shrug("r", 15)),
          K(4, *g, arms(0, 10, 0)))
    _move("body_roll", "hiphop pop", 4, 2,
          K(0, *g, torso(bend=-10), head(nod=-15), arms(-70, 20, 60)),
          K(1, *groove(1.4), torso(bend=25), head(nod=20), arms(-60, 40, 80),
            pelvis(tilt=-10)),
          K(2, *groove(0.7), torso(bend=-12), head(nod=-10), pelvis(tilt=8),
            arms(-70, 20, 60)),
          K(3, *groove(1.4), torso(bend=25), head(nod=20), arms(-60, 40, 80),
            pelvis(tilt=-10)),
          K(4, *g, torso(bend=-10), head(nod=-15), arms(-70, 20, 60)))
    _move("chest_pop", "hiphop", 4, 2,
          K(0, *g, arms(-50, 60, 100)),
          K(1, *g, torso(bend=-14), arms(-30, 20, 90), head(nod=-10)),
          K(1.5, *g, torso(bend=6), arms(-50, 60, 100), hit=False),
          K(2, *g, torso(bend=-14), arms(-30, 20, 90), head(nod=-10)),
          K(3, *groove(1.3), torso(bend=20), arms(-60, 70, 110), head(nod=15)),
          K(4, *g, arms(-50, 60, 100)))
    _move("shoulder_lean", "hiphop", 4, 1,
          K(0, *g),
          K(1, *g, *lean(0.05), torso(side=12), shrug("l", 20), arms(-60, 30, 80)),
          K(2, *g),
          K(3, *g, *lean(-0.05), torso(side=-12), shrug("r", 20), arms(-60, 30, 80)),
          K(4, *g))
    _move("cross_arms", "hiphop", 4, 1,
          K(0, *g),
          K(1, *g, arms(-20, 100, 100), torso(bend=12), head(nod=10)),
          K(2, *groove(1.3), arms(-60, 10, 40), torso(bend=18)),
          K(3, *g, arms(20, 70, 120), head(nod=-10), torso(bend=-5)),
          K(4, *g))
    # Running man: knee up while the standing foot "slides" back (here: the root rocks).
    _move("running_man", "hiphop house", 4, 3,
          K(0, *g),
          K(0.5, *g, leg("l", fwd=70, knee=90), arm("r", -30, 70, 90), arm("l", -60, -20, 60),
            feet="R", root=(0, 0, 0.04)),
          K(1, *groove(1.2), arm("l", -30, 70, 90), arm("r", -60, -20, 60)),
          K(1.5, *g, leg("r", fwd=70, knee=90), arm("l", -30, 70, 90), arm("r", -60, -20, 60),
            feet="L", root=(0, 0, 0.04)),
          K(2, *groove(1.2), arm("r", -30, 70, 90), arm("l", -60, -20, 60)),
          K(2.5, *g, leg("l", fwd=70, knee=90), arm("r", -30, 70, 90), arm("l", -60, -20, 60),
            feet="R", root=(0, 0, 0.04)),
          K(3, *groove(1.2), arm("l", -30, 70, 90), arm("r", -60, -20, 60)),
          K(3.5, *g, leg("r", fwd=70, knee=90), arm("l", -30, 70, 90), arm("r", -60, -20, 60),
            feet="L", root=(0, 0, 0.04)),
          K(4, *g))
    _move("kick_step", "hiphop pop", 4, 3,
          K(0, *g),
          K(1, *g, leg("l", fwd=60, knee=5, point=20), arms(-40, -20, 30), torso(bend=-5),
            feet="R"),
          K(2, *groove(1.2), arms(-60, 40, 90)),
          K(3, *g, leg("r", fwd=60, knee=5, point=20), arms(-40, -20, 30), torso(bend=-5),
            feet="L"),
          K(4, *g))
    up = legs(fwd=3, knee=6)
    _move("jumping_jack", "pop", 4, 3,
          K(0, *groove(1.3), arms(-70, 10, 20)),
          K(0.5, up, arms(30, 0, 0), feet="", root=(0, 0.12, 0)),
          K(1, *apart(0.4, fwd=15, knee=30), arms(70, 0, 0)),
          K(1.5, up, arms(0, 0, 0), feet="", root=(0, 0.12, 0)),
          K(2, *groove(1.3), arms(-70, 10, 20)),
          K(2.5, up, arms(30, 0, 0), feet="", root=(0, 0.12, 0)),
          K(3, *apart(0.4, fwd=15, knee=30), arms(70, 0, 0)),
          K(3.5, up, arms(0, 0, 0), feet="", root=(0, 0.12, 0)),
          K(4, *groove(1.3), arms(-70, 10, 20)))
    _move("pop_turn", "pop hiphop", 4, 2,
          *turn(list(g), [arms(-40, 60, 100)], 4, 360, lift=(25, 50)))
    _move("disco_point", "pop", 4, 2,
          K(0, *UPRIGHT),
          K(1, *groove(0.8), arm("r", 60, 30, 0), arm("l", -50, 40, 90), pelvis(roll=8),
            torso(side=8), head(turn=-20, nod=-15)),
          K(2, *groove(0.8), arm("r", -50, 100, 10), arm("l", -50, 40, 90), pelvis(roll=-8),
            torso(side=-8), head(turn=20, nod=10)),
          K(3, *groove(0.8), arm("r", 60, 30, 0), arm("l", -50, 40, 90), pelvis(roll=8),
            torso(side=8), head(turn=-20, nod=-15)),
          K(4, *UPRIGHT))
    _move("pose_hit", "hiphop pop", 4, 2,
          K(0, *g),
          K(1, *apart(0.3, fwd=20, knee=40), arm("l", 40, 20, 90), arm("r", 0, 90, 120),
            torso(twist=15), head(turn=25)),
          K(2, *apart(0.3, fwd=20, knee=40), arm("l", 40, 20, 90), arm("r", 0, 90, 120),
            torso(twist=15), head(turn=25), hit=False),
          K(3, *apart(0.3, fwd=20, knee=40), arm("r", 40, 20, 90), arm("l", 0, 90, 120),
            torso(twist=-15), head(turn=-25)),
          K(4, *g))
    _move("squat_jump", "hiphop house pop", 4, 3,
          K(0, *g),
          K(1, legs(fwd=55, knee=95), torso(bend=25), arms(-50, -30, 20)),
          K(1.5, legs(fwd=0, knee=0, point=25), arms(60, 30, 10), feet="", root=(0, 0.22, 0)),
          K(2, legs(fwd=40, knee=70), torso(bend=20), arms(-40, 60, 70)),
          K(3, *g, arms(-20, 80, 90)),
          K(4, *g))
    _move("toprock", "hiphop", 4, 2,
          K(0, *g, arms(-20, 60, 110)),
          K(0.5, *g, leg("l", fwd=40, out=-15, knee=50), arms(-10, 20, 80), feet="R"),
          K(1, *g, leg("l", fwd=20, out=-12, knee=20), arms(-40, 80, 110),
            torso(twist=-20), root=(0, 0, 0.05)),
          K(2, *g, arms(-20, 60, 110)),
          K(2.5, *g, leg("r", fwd=40, out=-15, knee=50), arms(-10, 20, 80), feet="L"),
          K(3, *g, leg("r", fwd=20, out=-12, knee=20), arms(-40, 80, 110),
            torso(twist=20), root=(0, 0, 0.05)),
          K(4, *g, arms(-20, 60, 110)))
    _move("jack", "house", 4, 2, *[
        k for b in range(5) for k in (
            [K(b, *groove(1.4), torso(bend=24), head(nod=15), arms(-55, 45, 90))]
            + ([K(b + 0.5, *groove(0.5), torso(bend=-10), head(nod=-8), arms(-70, 20, 60))]
               if b < 4 else []))])
    _move("skate", "house", 4, 2,
          K(0, *g),
          K(1, *g, leg("r", fwd=-10, out=25, knee=5, point=20), *lean(0.03),
            arm("r", -20, 70, 40), arm("l", -40, -30, 30), torso(twist=15), feet="L",
            root=(0.1, 0, 0)),
          K(2, *g),
          K(3, *g, leg("l", fwd=-10, out=25, knee=5, point=20), *lean(-0.03),
            arm("l", -20, 70, 40), arm("r", -40, -30, 30), torso(twist=-15), feet="R",
            root=(-0.1, 0, 0)),
          K(4, *g))
    _move("loose_legs", "house", 4, 3,
          K(0, *g),
          K(0.5, *g, leg("l", fwd=30, out=15, knee=70), feet="R"),
          K(1, *g, leg("l", fwd=30, out=35, knee=10, point=10), arms(-40, 20, 40), feet="R"),
          K(2, *groove(1.2)),
          K(2.5, *g, leg("r", fwd=30, out=15, knee=70), feet="L"),
          K(3, *g, leg("r", fwd=30, out=35, knee=10, point=10), arms(-40, 20, 40), feet="L"),
          K(4, *g))
    _move("shuffle", "house", 4, 3,
          K(0, *g),
          K(0.5, *g, leg("l", fwd=50, knee=70), feet="R"),
          K(1, *g, leg("l", fwd=35, out=20, knee=10, point=15), arms(-50, 50, 95), feet="R"),
          K(1.5, *g, leg("l", fwd=50, knee=70), feet="R"),
          K(2, *groove(1.2)),
          K(2.5, *g, leg("r", fwd=50, knee=70), feet="L"),
          K(3, *g, leg("r", fwd=35, out=20, knee=10, point=15), arms(-50, 50, 95), feet="L"),
          K(3.5, *g, leg("r", fwd=50, knee=70), feet="L"),
          K(4, *g))
    lifted = leg("l", fwd=40, knee=70)
    _move("heel_toe", "house", 4, 2,
          K(0, *g),
          K(0.5, *g, lifted, arms(-60, 40, 80), feet="R"),
          K(1, *g, leg("l", fwd=25, knee=10, point=-25), arms(-50, 60, 100), feet="R"),
          K(1.5, *g, lifted, arms(-60, 40, 80), feet="R"),
          K(2, *g, leg("l", fwd=-20, knee=40, point=30), arms(-70, 20, 60), feet="R"),
          K(2.5, *g, lifted, arms(-60, 40, 80), feet="R"),
          K(3, *g, leg("l", fwd=25, knee=10, point=-25), arms(-50, 60, 100), feet="R"),
          K(3.5, *g, lifted, arms(-60, 40, 80), feet="R"),
          K(4, *g))
    _move("hip_sway", "pop latin", 4, 1,
          K(0, *UPRIGHT),
          K(1, *UPRIGHT, pelvis(roll=10), torso(side=10), *lean(0.04, knee=8), arms(-55, 40, 60),
            root=(0.03, 0, 0)),
          K(2, *UPRIGHT, pelvis(roll=-10), torso(side=-10), *lean(-0.04, knee=8),
            arms(-55, 40, 60), root=(-0.03, 0, 0)),
          K(3, *UPRIGHT, pelvis(roll=10), torso(side=10), *lean(0.04, knee=8), arms(-55, 40, 60),
            root=(0.03, 0, 0)),
          K(4, *UPRIGHT))
    _move("snake_arms", "pop ballet", 4, 1,
          K(0, *UPRIGHT, arms(0, 0, 0)),
          K(1, *UPRIGHT, arm("l", 15, 0, 30, wrist=-35), arm("r", -15, 0, 30, wrist=35),
            torso(side=-6)),
          K(2, *UPRIGHT, arms(0, 0, 0), hit=False),
          K(3, *UPRIGHT, arm("r", 15, 0, 30, wrist=35), arm("l", -15, 0, 30, wrist=-35),
            torso(side=6)),
          K(4, *UPRIGHT, arms(0, 0, 0)))


# --- latin: cha-cha, rumba ------------------------------------------------------------------
def _latin() -> None:
    lat = LATIN
    hip_l = [pelvis(roll=-9), torso(side=-9)]   # weight on the left: left hip out and up
    hip_r = [pelvis(roll=9), torso(side=9)]
    # Cha-cha basic: rock forward on 2, replace on 3, cha-cha-cha on 4-and-1 (side chasse).
    _move("cha_cha_basic", "latin", 8, 2,
          K(0, *lat),
          K(1, *lat, *hip_l, leg("l", fwd=22, knee=3), leg("r", fwd=-8, knee=10, point=15),
            root=(0, 0, 0.12)),
          K(2, *lat, *hip_r, root=(0, 0, 0.02)),
          K(3, *lat, *hip_l, *apart(0.2), root=(0.08, 0, 0)),
          K(3.5, *lat, *hip_r, root=(0.13, 0, 0)),
          K(4, *lat, *hip_l, *apart(0.2), root=(0.2, 0, 0)),
          K(5, *lat, *hip_r, leg("r", fwd=-22, knee=3), leg("l", fwd=8, knee=10, point=15),
            root=(0.2, 0, -0.12)),
          K(6, *lat, *hip_l, root=(0.2, 0, -0.02)),
          K(7, *lat, *hip_r, *apart(0.2), root=(0.12, 0, 0)),
          K(7.5, *lat, *hip_l, root=(0.07, 0, 0)),
          K(8, *lat))
    _move("side_chasse", "latin", 4, 2,
          K(0, *lat),
          K(1, *lat, *hip_l, *apart(0.2), root=(0.1, 0, 0)),
          K(1.5, *lat, *hip_r, root=(0.15, 0, 0)),
          K(2, *lat, *hip_l, *apart(0.2), arm("l", 0, 20, 30), root=(0.2, 0, 0)),
          K(3, *lat, *hip_r, *apart(0.2), root=(0.1, 0, 0)),
          K(3.5, *lat, *hip_l, root=(0.05, 0, 0)),
          K(4, *lat))
    _move("rumba_box", "latin", 8, 1,
          K(0, *lat),
          K(2, *lat, *hip_l, leg("l", fwd=20, knee=5), leg("r", fwd=-5, knee=12, point=10),
            root=(0, 0, 0.15)),
          K(3, *lat, *hip_r, *apart(0.25), root=(0.12, 0, 0.15)),
          K(4, *lat, *hip_l, root=(0.25, 0, 0.15)),
          K(6, *lat, *hip_r, leg("r", fwd=-20, knee=5), leg("l", fwd=5, knee=12, point=10),
            root=(0.25, 0, 0.0)),
          K(7, *lat, *hip_l, *apart(0.25), root=(0.12, 0, 0)),
          K(8, *lat))
    _move("cuban_motion", "latin", 4, 1,
          K(0, *lat),
          K(1, *lat, *hip_l, *lean(0.05, knee=4), leg("r", knee=18, point=12), feet="LR",
            root=(0.04, 0, 0)),
          K(2, *lat, *hip_r, *lean(-0.05, knee=4), leg("l", knee=18, point=12),
            root=(-0.04, 0, 0)),
          K(3, *lat, *hip_l, *lean(0.05, knee=4), leg("r", knee=18, point=12),
            root=(0.04, 0, 0)),
          K(4, *lat))
    _move("new_yorker", "latin", 4, 2,
          K(0, *lat),
          K(1, *lat, *hip_l, leg("r", fwd=25, out=10, knee=3, turnout=30), arm("l", 10, -10, 10),
            pelvis(yaw=-40), torso(twist=10), head(turn=-30), feet="lr", root=(0, 0, 0.03)),
          K(2, *lat, *hip_r, feet="lr"),
          K(3, *lat, *hip_r, leg("l", fwd=25, out=10, knee=3, turnout=30), arm("r", 10, -10, 10),
            pelvis(yaw=40), torso(twist=-10), head(turn=30), feet="lr", root=(0, 0, 0.03)),
          K(4, *lat))
    _move("spot_turn", "latin", 4, 3,
          *turn(lat, [arm("l", 40, 30, 60)], 3, -360, lift=(25, 50)),
          K(4, *lat, yaw=-360))
    _move("hand_to_hand", "latin", 4, 2,
          K(0, *lat),
          K(1, *lat, *hip_l, leg("l", fwd=-22, knee=3), arm("r", 0, 30, 5), torso(twist=25),
            head(turn=40), root=(0, 0, -0.05)),
          K(2, *lat, *hip_r),
          K(3, *lat, *hip_r, leg("r", fwd=-22, knee=3), arm("l", 0, 30, 5), torso(twist=-25),
            head(turn=-40), root=(0, 0, -0.05)),
          K(4, *lat))


# --- ballet ----------------------------------------------------------------------------------
def _ballet() -> None:
    b = BALLET
    plie = legs(fwd=30, knee=60, turnout=35)
    rel = legs(point=35, turnout=35)
    _move("port_de_bras", "ballet", 4, 1,
          K(0, *b),
          K(1, *b, FIRST, head(nod=5)),
          K(2, *b, FIFTH, head(nod=-15)),
          K(3, *b, SECOND, head(turn=20, nod=-5)),
          K(4, *b))
    _move("port_de_bras_3", "ballet", 3, 1,
          K(0, *b),
          K(1, *b, FIRST, head(nod=5)),
          K(2, *b, SECOND, head(turn=20, nod=-5)),
          K(3, *b))
    _move("port_de_bras_back", "ballet", 6, 2,
          K(0, *b, FIFTH),
          K(1, *b, FIFTH, torso(bend=-18), head(nod=-20)),
          K(2, *b, FIFTH, torso(bend=-24), head(nod=-25), hit=False),
          K(3, *b, SECOND, torso(bend=0)),
          K(4, *b, SECOND, torso(bend=30), head(nod=20)),
          K(5, *b, FIRST, torso(bend=12)),
          K(6, *b))
    _move("plie", "ballet", 4, 1,
          K(0, *b),
          K(1, plie, FIRST, head(nod=10)),
          K(2, *b, SECOND, head(nod=-5)),
          K(3, plie, SECOND, torso(bend=6)),
          K(4, *b))
    _move("plie_3", "ballet", 3, 1,
          K(0, *b),
          K(1, plie, FIRST, head(nod=10)),
          K(2, *b, SECOND),
          K(3, *b))
    _move("releve", "ballet", 4, 2,
          K(0, *b),
          K(1, plie, FIRST),
          K(2, rel, FIFTH, head(nod=-10), feet="lr"),
          K(3, rel, SECOND, feet="lr"),
          K(4, *b))
    _move("tendu", "ballet", 4, 1,
          K(0, *b, SECOND),
          K(1, *b, SECOND, leg("l", fwd=42, point=40, turnout=35), head(turn=15), feet="R"),
          K(2, *b, SECOND),
          K(3, *b, SECOND, leg("l", out=42, point=40, turnout=35), head(turn=-15), feet="R"),
          K(4, *b, SECOND))
    _move("tendu_3", "ballet", 3, 1,
          K(0, *b, SECOND),
          K(1, *b, SECOND, leg("l", fwd=42, point=40, turnout=35), head(turn=15), feet="R"),
          K(2, *b, SECOND, leg("l", fwd=42, point=40, turnout=35), feet="R", hit=False),
          K(3, *b, SECOND))
    _move("grand_battement", "ballet", 4, 3,
          K(0, *b, SECOND),
          K(1, *b, SECOND, leg("l", fwd=95, point=45, turnout=20), torso(bend=-5), feet="R"),
          K(2, *b, SECOND),
          K(3, *b, SECOND, leg("l", out=80, point=45, turnout=35), torso(side=-8), feet="R"),
          K(4, *b, SECOND))
    _move("arabesque", "ballet", 4, 2,
          K(0, *b),
          K(1, *b, leg("l", fwd=-30, point=45), FIRST, feet="R"),
          K(2, *b, leg("l", fwd=-75, point=45, turnout=15), torso(bend=15), arm("r", 20, 80, 5),
            arm("l", 5, 10, 5), head(nod=-15), feet="R"),
          K(3, *b, leg("l", fwd=-75, point=45, turnout=15), torso(bend=15), arm("r", 20, 80, 5),
            arm("l", 5, 10, 5), head(nod=-15), feet="R", hit=False),
          K(4, *b))
    _move("pirouette", "ballet", 4, 3,
          K(0, *b),
          K(1, plie, arm("l", -10, 60, 45), arm("r", -10, 20, 15)),
          K(2, *rel_passe("l"), FIRST, feet="r", yaw=180),
          K(3, *rel_passe("l"), FIRST, feet="r", yaw=360, hit=False),
          K(4, plie, SECOND, yaw=360))
    _move("chaines", "ballet", 4, 3,
          *turn([*b, SECOND], [rel, FIRST], 4, 720, lift=(20, 45)))
    _move("changement", "ballet", 4, 3,
          K(0, *b),
          K(1, plie, FIRST),
          K(1.5, legs(point=45, turnout=35), FIFTH, feet="", root=(0, 0.25, 0)),
          K(2, plie, SECOND),
          K(3, *b, SECOND),
          K(4, *b))
    _move("sissonne", "ballet", 4, 3,
          K(0, *b, SECOND),
          K(1, plie, SECOND),
          K(1.5, *apart(0.5, point=45, turnout=35), FIFTH, feet="", root=(0.1, 0.25, 0)),
          K(2, plie, leg("l", fwd=-10, knee=30, point=10, turnout=35), SECOND, feet="R",
            root=(0.18, 0, 0)),
          K(3, *b, SECOND, root=(0.08, 0, 0)),
          K(4, *b, SECOND))
    _move("pas_de_bourree", "ballet", 4, 2,
          K(0, *b),
          K(1, rel, leg("l", fwd=-20, knee=40, point=40, turnout=35), SECOND, feet="r"),
          K(1.5, rel, SECOND, feet="lr", root=(-0.05, 0, 0)),
          K(2, rel, leg("r", out=15, knee=30, point=40, turnout=35), SECOND, feet="l",
            root=(-0.1, 0, 0)),
          K(3, plie, FIRST, root=(-0.05, 0, 0)),
          K(4, *b))
    _move("balance", "ballet", 3, 2,
          K(0, *b, SECOND),
          K(1, plie, arm("l", -5, 20, 15), arm("r", -5, 70, 40), head(turn=20), torso(side=6),
            root=(0.1, 0, 0)),
          K(2, rel, SECOND, feet="lr", root=(0.08, 0, 0)),
          K(3, *b, SECOND))
    _move("developpe", "ballet", 6, 2,
          K(0, *b, SECOND),
          K(1, *b, leg("l", fwd=40, knee=90, point=45, turnout=35), FIRST, feet="R"),
          K(2, *b, leg("l", fwd=80, knee=60, point=45, turnout=30), FIRST, feet="R",
            hit=False),
          K(3, *b, leg("l", fwd=85, knee=5, point=45, turnout=30), FIFTH, feet="R"),
          K(5, *b, leg("l", fwd=30, knee=0, point=45, turnout=35), SECOND, feet="R"),
          K(6, *b, SECOND))


def rel_passe(side: str) -> list:
    """Standing on the other leg's toes, the ``side`` foot drawn up to the knee (retire)."""
    other = "r" if side == "l" else "l"
    return [leg(other, point=35, turnout=35), leg(side, fwd=55, out=25, knee=120, point=40,
                                                   turnout=45)]


_street()
_latin()
_ballet()
for _name, _style, _beats, _energy, _keys in figures():
    _move(_name, _style, _beats, _energy, *_keys, held=True)


def moves_for(style: str, beats: set[int] | None = None) -> list[Move]:
    """The library's moves for ``style`` (optionally only those ``beats`` long)."""
    return [m for m in MOVES.values()
            if style in m.styles and (beats is None or m.beats in beats)]
