"""The optional person detector: mediapipe 0.10.21, the last release that ships its pose
models inside the wheel (nothing is downloaded at run time). It needs numpy < 2, so it lives
in the ``pose`` extra, installed with its own constraints (``constraints-pose.txt``), and the
core install never imports it."""

from __future__ import annotations

from types import ModuleType

from dancekit.errors import DancekitError

INSTALL_HINT = ("pose detection needs the optional detector (mediapipe 0.10.21, numpy < 2): "
                "pip install 'dancekit[pose]' -c constraints-pose.txt")


class DetectorMissing(DancekitError):
    """The ``pose`` extra is not installed; a user can fix this, so it is not a bug."""


def mediapipe() -> ModuleType:
    """The imported ``mediapipe`` package, or :class:`DetectorMissing` saying how to get it."""
    try:
        import mediapipe as mp
    except ImportError as exc:
        raise DetectorMissing(INSTALL_HINT) from exc
    return mp


def detector_available() -> bool:
    """Whether :func:`mediapipe` will succeed (tests and help texts ask before trying)."""
    try:
        mediapipe()
    except DetectorMissing:
        return False
    return True
