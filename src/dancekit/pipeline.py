"""Music in, dance out: :func:`dance` is what ``dancekit dance`` does before writing a file,
as one call for Python (and every other front end), so both make the same dance."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dancekit.errors import ParameterError

if TYPE_CHECKING:
    from dancekit.audio.features import Music
    from dancekit.audio.loading import Audio
    from dancekit.motion import Motion
    from dancekit.render.images import ImageDance

#: The model :func:`dance` (and ``dancekit dance``) uses when none is named: the bundled
#: weights that score best against real dancers (docs/results.md, held-out real ballroom:
#: both FIDs lower than the synthetic-trained ``dance-tokens``).
DEFAULT_MODEL = "dance-tokens-ballroom"

#: Where a dance's path over the floor may come from (:func:`dance`'s ``travel``), besides
#: a path to ``travel`` weights of one's own (``dancekit train travel``).
TRAVEL = ("model", "learned")
#: The bundled weights that dance with learned travel unless told otherwise: their dancers
#: move but hardly travel (0.06-0.1 m/s against real couples' 0.54), and with it both their
#: FIDs against real ballroom dancers are lower (docs/results.md). Any other model, and
#: these models with weights of one's own (``checkpoint`` or a path), keep their own travel.
LEARNED_TRAVEL = ("fact", "fact-ballroom", "dance-revolution")


def dance(audio: str | os.PathLike | Audio | Music, *, model: str = DEFAULT_MODEL,
          checkpoint: str | os.PathLike | None = None, style: str | None = None, seed: int = 0,
          seconds: float | None = None, beat_warp: bool = True, beat_ease: bool = True,
          temperature: float | None = None, travel: str | None = None,
          stages: Callable[[str], None] | None = None) -> Motion | ImageDance:
    """Make a dance for ``audio`` with ``model``, re-timed onto its beats as ``dancekit
    dance`` does.

    The music is analysed once (:class:`~dancekit.audio.features.Music`): the model and the
    re-timing read the same features and beats, each worked out once (and kept in the disk
    cache).

    Parameters
    ----------
    audio : path, Audio or Music
        The music. For a dance of ``seconds`` only its first ``seconds`` + 5 s are read
        (:meth:`Music.load`); a Music is used as it is.
    model : str
        A registered model name (``dance-tokens``, ``fact``, ``procedural``) or a checkpoint
        path (:func:`dancekit.models.load_model`).
    checkpoint : path, optional
        Weights to load instead of the model's bundled ones.
    style : str, optional
        Dance style: one the model knows (``styles``), ``"auto"`` (the default, as is None):
        the one whose meter and tempo fit the music best
        (:func:`dancekit.models.style_choice.choose_style`; no style when the model knows
        none), or ``"none"``: no style label, the learned models' unconditioned dance (the
        procedural dancer always dances a style, so there ``"none"`` is ``"auto"``).
    seed : int
        0 to 2**32 - 1: same seed, same dance.
    seconds : float, optional
        Length of the dance, 1 s to 2 h; default the length of the music.
    beat_warp : bool
        Move the dance's slow-downs onto the beats (:func:`dancekit.motion.warp_to_beats`).
    beat_ease : bool
        Then slow the dance down on the beats (:func:`dancekit.motion.ease_to_beats`).
    temperature : float, optional
        For the models that draw their dance from learned odds (``generate`` takes a
        ``temperature``: the dance-tokens family, ``dancenet``): below 1 likelier choices
        win more often (calmer, more typical dances), above 1 less often; default the
        model's own. Other models refuse it (:class:`~dancekit.errors.ParameterError`).
    travel : "model", "learned" or path, optional
        Where the dancer's path over the floor comes from: the model's own root (``model``),
        or the travel real dancers' movement implies (``learned``: the bundled
        :class:`~dancekit.models.travel.Travel` weights, trained on real ballroom capture; a
        path: ``travel`` weights of one's own), which gives models whose dancers move but
        hardly travel the floor path their movement calls for. Applied before the
        re-timing, which then slows the travel with the rest of the body on the beats.
        Default: ``learned`` for the bundled weights of :data:`LEARNED_TRAVEL`, else
        ``model``.
    stages : callable, optional
        Hears one line per stage ("loading model ...", "generating ...") as it starts, for a
        front end that shows progress; nothing is printed otherwise.

    Returns
    -------
    Motion or ImageDance
        A model whose dances are pictures (``dancenet``) gives an
        :class:`~dancekit.render.images.ImageDance`, which has no joints to re-time. ``meta``
        records the model, seed, style (with ``style_auto``, the music's ``meter``
        and ``tempo`` and the ``reason``, when it was chosen automatically), the audio file
        and what each re-timing did (``beat_warp``, ``beat_ease``).
    """
    from dancekit.audio.features import Music
    from dancekit.models import load_model
    from dancekit.models.style_choice import (
        AUTO,
        NONE,
        choose_style,
        fallback_style,
        known_styles,
    )

    say = stages or _silent
    if travel is None:
        travel = "learned" if model in LEARNED_TRAVEL and checkpoint is None else "model"
    if travel not in TRAVEL and not os.path.isfile(travel):
        raise ParameterError(f"travel must be one of {', '.join(TRAVEL)} or a travel "
                             f"checkpoint file, got {travel!r}")
    music = Music.of(audio, seconds)
    length = music.length  # an unreadable file fails here, before the model loads
    say(f"loading model {model}")
    dancer = load_model(model, checkpoint)
    mover = None
    if travel != "model":
        from dancekit.models.travel import Travel

        mover = Travel.load_default() if travel == "learned" else Travel.from_checkpoint(travel)
        if getattr(dancer, "output", None) == "images":
            raise ParameterError(f"model {model} makes pictures of a dancer, not joints: it "
                                 "has no floor path to learn (leave --travel at model)")
    sampling = {} if temperature is None else {"temperature": sampling_temperature(
        dancer, model, temperature)}
    styles = known_styles(dancer, style, model)
    name = music.path.name if music.path else "in-memory audio"
    say(f"reading music {name}" + (f" ({clock(length)})" if length else ""))
    auto = None
    if style in (None, AUTO):
        say("choosing a style")
        auto = choose_style(music, styles)
    if auto is not None:
        label = auto.style
    elif style in (None, AUTO):  # auto found none (no beat, or no style with a prior)
        label = fallback_style(dancer, styles)
    else:
        label = None if style == NONE else style
    say("generating" + (f" {clock(seconds)} of dance" if seconds else ""))
    motion = dancer.generate(music, seconds=seconds, seed=seed, style=label, **sampling)
    if auto is not None:
        motion.meta["style_auto"] = auto.meta()
    if music.path is not None:
        motion.meta.setdefault("audio", str(music.path))
    from dancekit.motion import Motion

    if not isinstance(motion, Motion):
        return motion
    if mover is not None:
        say("travelling as real dancers do")
        motion = mover.apply(motion)
    if beat_warp or beat_ease:
        from dancekit.motion import time_to_beats

        say("tracking beats")
        beats = music.features("beats")
        say("re-timing onto the beats")
        motion = time_to_beats(motion, beats, warp=beat_warp, ease=beat_ease)
    return motion


def sampling_temperature(dancer: Any, model: str, temperature: float) -> float:
    """``temperature`` checked, for a model whose ``generate`` takes one."""
    import inspect

    from dancekit.models.common import check_temperature

    if "temperature" not in inspect.signature(dancer.generate).parameters:
        raise ParameterError(f"model {model} does not draw its dance from odds, so it has no "
                             "temperature (dance-tokens, dance-tokens-ballroom and dancenet do)")
    return check_temperature(temperature)


def clock(seconds: float) -> str:
    """``seconds`` as m:ss (h:mm:ss from an hour), as music players show a length."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _silent(text: str) -> None:
    """Stage lines nobody asked for."""
