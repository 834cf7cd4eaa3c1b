"""``--style auto``: the style a model knows that fits the music's meter and tempo best.

Each style has a prior (:data:`STYLE_PRIORS`): the meters it is danced in and its tempo
ranges. The ballroom styles take the dance-sport tempos (waltz 28-30 bars a minute, or
58-60 for the Viennese waltz; tango 31-33, cha-cha 30-32, rumba 25-27); the synthetic
styles take the meters and tempo ranges the synthesiser writes them with
(:data:`dancekit.synth.styles.STYLES`). A style without a prior is never chosen
automatically, only by name.

The choice is meter first, then tempo. A style danced in a meter like the music's (three
beats a bar or two or four, and simple or compound alike) beats one danced with as many
beats a bar only, which beats any other: a waltz gets a three-beat style whenever the model
knows one. Among those, the style whose tempo ranges are nearest the tracked tempo (in octaves)
wins, counting the tempo halved or doubled at a cost of :data:`OCTAVE_PENALTY` octaves,
because beat trackers often lock onto half or twice the beat. A tracked tempo is an estimate and
recordings stray from the dance-sport tempos, so a tempo within :data:`TEMPO_TOLERANCE` of a
range counts as near it. Among the styles equally near, one danced in fewer kinds of meter
wins (a waltz tracked at 83.5 BPM is a waltz, not the catch-all ballet), then the one whose
range holds the tempo itself (a tango at 130 BPM, just above cha-cha's range), then the
narrower tempo ranges (the more specific style), then the name, so the choice is
deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dancekit.errors import ParameterError
from dancekit.models.common import style_index
from dancekit.synth.styles import STYLES

if TYPE_CHECKING:
    from dancekit.audio.features import Music

#: ``--style`` asks for the choice made here (the default).
AUTO = "auto"
#: ``--style`` asks for no style label: the learned models' unconditioned dance.
NONE = "none"
#: What counting the tracked tempo at half or twice its value costs, in octaves of distance.
OCTAVE_PENALTY = 0.25
#: A tempo this close (ratio) to a style's range counts as inside it: 4 %, the tolerance of
#: tempo estimation's "Accuracy 1" (Gouyon et al., IEEE TASLP 2006).
TEMPO_TOLERANCE = 1.04


@dataclass(frozen=True)
class StylePrior:
    """Where a style is at home: the meters it is danced in and its tempo ranges in BPM."""

    meters: tuple[str, ...]
    tempos: tuple[tuple[float, float], ...]

    @property
    def width(self) -> float:
        """The tempo ranges in octaves: how specific the style is."""
        return sum(math.log2(hi / lo) for lo, hi in self.tempos)

    @property
    def kinds(self) -> int:
        """How many kinds of meter (:func:`meter_kind`) the style is danced in: 1 for most,
        3 for a catch-all such as ballet."""
        return len({meter_kind(m) for m in self.meters})

    def distance(self, bpm: float) -> float:
        """Octaves from ``bpm`` to the nearest tempo range (0 inside one)."""
        return min(max(math.log2(lo / bpm), math.log2(bpm / hi), 0.0) for lo, hi in self.tempos)


BALLROOM_PRIORS = {
    "waltz": StylePrior(("3/4",), ((84, 90), (174, 180))),
    "tango": StylePrior(("2/4", "4/4"), ((120, 132),)),
    "chacha": StylePrior(("4/4",), ((120, 128),)),
    "rumba": StylePrior(("4/4",), ((100, 108),)),
}

#: The prior of every style ``--style auto`` may choose.
STYLE_PRIORS: dict[str, StylePrior] = {
    **{name: StylePrior(s.meters, (s.tempo,)) for name, s in STYLES.items()},
    **BALLROOM_PRIORS,
}


@dataclass(frozen=True)
class StyleChoice:
    """The style :func:`choose_style` picked, the music it heard and why."""

    style: str
    meter: str
    tempo: float
    reason: str

    def meta(self) -> dict[str, Any]:
        """What a dance records under ``meta["style_auto"]``."""
        return {"meter": self.meter, "tempo": round(self.tempo, 1), "reason": self.reason}


def known_styles(model: Any, style: str | None, label: str) -> list[str]:
    """The styles ``model`` knows (its ``styles``; none for a model without that list),
    after checking that ``style`` is one of them, :data:`AUTO`, :data:`NONE` or None; an
    unknown name is a :class:`~dancekit.errors.ParameterError` naming the ``label`` model's
    styles, raised before any music is read."""
    styles = list(getattr(model, "styles", []))
    if style not in (None, AUTO, NONE):
        style_index(styles, str(style), f"{label} model")
    if style == NONE and styles and not dances_without_style(model):
        raise ParameterError(f"{label} model never learned to dance without a style (its "
                             f"training always named one): choose one of {', '.join(styles)} "
                             f"or {AUTO}")
    return styles


def dances_without_style(model: Any) -> bool:
    """Whether ``model`` learned a dance with no style label: a model that names styles
    learns one only from the training windows whose label it drops (``style_dropout``)."""
    return getattr(getattr(model, "config", None), "style_dropout", 1.0) > 0


def fallback_style(model: Any, styles: Sequence[str]) -> str | None:
    """The style a model dances when ``auto`` finds none (no beat in the music): none for a
    model that learned to dance without one, else the first it knows."""
    return None if not styles or dances_without_style(model) else sorted(styles)[0]


def choose_style(music: Music, styles: Sequence[str]) -> StyleChoice | None:
    """The style among ``styles`` (those a model knows) that fits ``music`` best, from its
    tracked meter and tempo; None when none of ``styles`` has a prior or no beat was
    found."""
    meter, tempo = music.meter()
    return style_for(meter, tempo, styles)


def style_for(meter: str, tempo: float, styles: Sequence[str]) -> StyleChoice | None:
    """:func:`choose_style` for music in ``meter`` (as :class:`dancekit.audio.Beats` names
    it: ``"3/4"``, ``"6/8"``, ``"unknown"``...) at ``tempo`` BPM."""
    known = sorted({s for s in styles if s in STYLE_PRIORS})
    if not known or not tempo > 0:
        return None
    scored = []
    for name in known:
        prior = STYLE_PRIORS[name]
        fit = min(_meter_fit(meter, m) for m in prior.meters)
        near, exact, factor = min(_tempo_cost(prior.distance(tempo * f), f)
                                  for f in (1.0, 0.5, 2.0))
        scored.append(((fit, near, prior.kinds, exact, prior.width, name), factor))
    (fit, *_, name), factor = min(scored)
    return StyleChoice(name, meter, float(tempo), _reason(name, meter, tempo, fit, factor))


def _tempo_cost(octaves: float, factor: float) -> tuple[float, float, float]:
    """(cost with a distance within :data:`TEMPO_TOLERANCE` counted as 0, exact cost,
    ``factor``) of a tempo ``octaves`` from a style's range once multiplied by ``factor``
    (half or double time cost :data:`OCTAVE_PENALTY`)."""
    penalty = (factor != 1) * OCTAVE_PENALTY
    near = 0.0 if octaves <= math.log2(TEMPO_TOLERANCE) else octaves
    return round(near + penalty, 9), round(octaves + penalty, 9), factor


def meter_kind(meter: str) -> tuple[bool, bool] | None:
    """(three beats a bar, compound) of a meter name; None when unknown."""
    try:
        top, bottom = (int(x) for x in meter.split("/"))
    except ValueError:
        return None
    compound = bottom == 8 and top % 3 == 0
    beats = top // 3 if compound else top
    return beats % 3 == 0, compound


def _meter_fit(music: str, style: str) -> int:
    """0: the style is danced in the music's meter (2/4 and 4/4 alike), or the meter is
    unknown; 1: in one with as many beats a bar (two or four, or three); 2: otherwise."""
    heard, danced = meter_kind(music), meter_kind(style)
    if heard is None or heard == danced:
        return 0
    return 1 if danced is not None and heard[0] == danced[0] else 2


def _reason(name: str, meter: str, tempo: float, fit: int, factor: float) -> str:
    prior = STYLE_PRIORS[name]
    tempos = " or ".join(f"{lo:g}-{hi:g}" for lo, hi in prior.tempos)
    said = f"{name} is danced in {' or '.join(prior.meters)} at {tempos} BPM; the music is "
    said += f"{meter} at {tempo:.0f} BPM"
    if factor != 1:
        said += f", {tempo * factor:.0f} BPM counted in {'half' if factor < 1 else 'double'} time"
    if fit:
        said += f"; no style this model knows is danced in {meter}"
    return said
