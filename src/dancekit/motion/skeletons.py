"""Named skeletons: joint names, parent indices and (where the format defines them) rest offsets.

A skeleton is pure data. Models, renderers, exporters and metrics look joints up by name
(``skeleton.index("left_ankle")``) instead of hard-coding indices, so a new skeleton only needs
an entry here. Left/right colouring, mirroring and foot detection all derive from the names:
every left joint's name starts with ``left_`` and its twin's with ``right_``.

Registered: ``smpl24``, ``coco17``, ``body25``, ``mediapipe33`` and ``ballroom23`` (derived
from the ballroom dataset, see ``docs/ballroom_skeleton.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dancekit.errors import ParameterError


@dataclass(frozen=True, eq=False)
class Skeleton:
    """A kinematic tree.

    Parameters
    ----------
    name : str
        Registry name (``"smpl24"``) or, for skeletons read from a file, a descriptive one.
    joints : tuple of str
        Joint names, snake_case; left/right twins start with ``left_`` / ``right_``.
    parents : tuple of int
        Parent index per joint, ``-1`` for the root(s). Parents precede children.
    offsets : ndarray (J, 3) or None
        Rest-pose offset of each joint from its parent, metres, y up. ``None`` for
        keypoint formats that define no rest pose (COCO, BODY_25).
    extra_bones : tuple of (int, int)
        Lines drawn in addition to the parent links (e.g. shoulder to shoulder in COCO).
    """

    name: str
    joints: tuple[str, ...]
    parents: tuple[int, ...]
    offsets: np.ndarray | None = None
    extra_bones: tuple[tuple[int, int], ...] = ()
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.joints) != len(self.parents):
            raise ParameterError(
                f"skeleton {self.name!r}: {len(self.joints)} joints but {len(self.parents)} parents"
            )
        for j, p in enumerate(self.parents):
            if p >= j:
                raise ParameterError(
                    f"skeleton {self.name!r}: joint {j} ({self.joints[j]}) has parent {p}; "
                    "parents must precede children"
                )
        if len(set(self.joints)) != len(self.joints):
            raise ParameterError(f"skeleton {self.name!r}: duplicate joint names")
        if self.offsets is not None:
            off = np.asarray(self.offsets, dtype=np.float64)
            if off.shape != (len(self.joints), 3):
                raise ParameterError(
                    f"skeleton {self.name!r}: offsets of shape {off.shape}, "
                    f"expected ({len(self.joints)}, 3)"
                )
            off.setflags(write=False)
            object.__setattr__(self, "offsets", off)
        self._index.update({n: i for i, n in enumerate(self.joints)})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Skeleton):
            return NotImplemented
        if (self.name, self.joints, self.parents) != (other.name, other.joints, other.parents):
            return False
        if self.offsets is None or other.offsets is None:
            return self.offsets is None and other.offsets is None
        return bool(np.allclose(self.offsets, other.offsets, atol=1e-6))

    def __hash__(self) -> int:
        return hash((self.name, self.joints, self.parents))

    def __len__(self) -> int:
        return len(self.joints)

    @property
    def num_joints(self) -> int:
        return len(self.joints)

    def index(self, name: str) -> int:
        """Index of joint ``name``; raises :class:`ParameterError` naming the skeleton."""
        try:
            return self._index[name]
        except KeyError:
            raise ParameterError(f"skeleton {self.name!r} has no joint {name!r}") from None

    def has(self, name: str) -> bool:
        return name in self._index

    @property
    def bones(self) -> list[tuple[int, int]]:
        """(parent, child) pairs to draw: the tree plus ``extra_bones``."""
        tree = [(p, j) for j, p in enumerate(self.parents) if p >= 0]
        return tree + list(self.extra_bones)

    @property
    def sides(self) -> np.ndarray:
        """Per joint: -1 left, +1 right, 0 centre (from the ``left_``/``right_`` names)."""
        return np.array(
            [-1 if n.startswith("left_") else 1 if n.startswith("right_") else 0
             for n in self.joints],
            dtype=np.int8,
        )

    @property
    def mirror_indices(self) -> np.ndarray:
        """Permutation that swaps every left joint with its right twin."""
        out = np.arange(len(self.joints))
        for i, n in enumerate(self.joints):
            for a, b in (("left_", "right_"), ("right_", "left_")):
                twin = b + n[len(a):]
                if n.startswith(a) and twin in self._index:
                    out[i] = self._index[twin]
        return out

    @property
    def feet(self) -> tuple[list[int], list[int]]:
        """(left, right) joint indices that touch the floor: ankles, feet, toes, heels."""
        keys = ("ankle", "foot", "toe", "heel")
        left = [i for i, n in enumerate(self.joints)
                if n.startswith("left_") and any(k in n for k in keys)]
        right = [i for i, n in enumerate(self.joints)
                 if n.startswith("right_") and any(k in n for k in keys)]
        return left, right

    @property
    def children(self) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in self.joints]
        for j, p in enumerate(self.parents):
            if p >= 0:
                out[p].append(j)
        return out

    def bone_lengths(self) -> np.ndarray:
        """Rest bone lengths (J,), metres; the root's is 0. Needs ``offsets``."""
        if self.offsets is None:
            raise ParameterError(f"skeleton {self.name!r} defines no rest offsets")
        return np.linalg.norm(self.offsets, axis=-1)

    def to_dict(self) -> dict:
        """Plain JSON-able description, so files carry their own skeleton."""
        return {
            "name": self.name,
            "joints": list(self.joints),
            "parents": list(self.parents),
            "offsets": None if self.offsets is None else self.offsets.tolist(),
            "extra_bones": [list(b) for b in self.extra_bones],
        }

    @classmethod
    def from_dict(cls, d: dict) -> Skeleton:
        try:
            return cls(
                name=str(d["name"]),
                joints=tuple(str(n) for n in d["joints"]),
                parents=tuple(int(p) for p in d["parents"]),
                offsets=None if d.get("offsets") is None else np.asarray(d["offsets"], float),
                extra_bones=tuple(tuple(int(x) for x in b) for b in d.get("extra_bones", ())),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ParameterError(f"invalid skeleton description: {err}") from None


_REGISTRY: dict[str, Skeleton] = {}


def register_skeleton(skeleton: Skeleton) -> Skeleton:
    """Add ``skeleton`` to the registry under its name (later registrations replace earlier)."""
    _REGISTRY[skeleton.name] = skeleton
    return skeleton


def get_skeleton(name: str | Skeleton) -> Skeleton:
    """Look a skeleton up by name; a :class:`Skeleton` passes through."""
    if isinstance(name, Skeleton):
        return name
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ParameterError(f"unknown skeleton {name!r} (known: {known})") from None


def list_skeletons() -> list[str]:
    return sorted(_REGISTRY)


# --- SMPL body joints -------------------------------------------------------------------------
# Rest offsets: the SMPL neutral template's joint locations (public, model-file free), as used by
# the AIST++ / EDGE evaluation code; metres, y up, the body facing +z.
SMPL24 = register_skeleton(Skeleton(
    name="smpl24",
    joints=(
        "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2",
        "left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck",
        "left_collar", "right_collar", "head", "left_shoulder", "right_shoulder",
        "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hand", "right_hand",
    ),
    parents=(-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21),
    offsets=np.array([
        [0.0, 0.0, 0.0],
        [0.05858135, -0.08228004, -0.01766408],
        [-0.06030973, -0.09051332, -0.01354254],
        [0.00443945, 0.12440352, -0.03838522],
        [0.04345142, -0.38646945, 0.008037],
        [-0.04325663, -0.38368791, -0.00484304],
        [0.00448844, 0.1379564, 0.02682033],
        [-0.01479032, -0.42687458, -0.037428],
        [0.01905555, -0.4200455, -0.03456167],
        [-0.00226458, 0.05603239, 0.00285505],
        [0.04105436, -0.06028581, 0.12204243],
        [-0.03483987, -0.06210566, 0.13032329],
        [-0.0133902, 0.21163553, -0.03346758],
        [0.07170245, 0.11399969, -0.01889817],
        [-0.08295366, 0.11247234, -0.02370739],
        [0.01011321, 0.08893734, 0.05040987],
        [0.12292141, 0.04520509, -0.019046],
        [-0.11322832, 0.04685326, -0.00847207],
        [0.2553319, -0.01564902, -0.02294649],
        [-0.26012748, -0.01436928, -0.03126873],
        [0.26570925, 0.01269811, -0.00737473],
        [-0.26910836, 0.00679372, -0.00602676],
        [0.08669055, -0.01063603, -0.01559429],
        [-0.0887537, -0.00865157, -0.01010708],
    ]),
))

# --- COCO-17 keypoints (AIST++ 2D, most 2D detectors) -----------------------------------------
# COCO defines edges, not a tree; this tree roots at the nose so drawing and mirroring work.
COCO17 = register_skeleton(Skeleton(
    name="coco17",
    joints=(
        "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
        "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
        "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    ),
    parents=(-1, 0, 0, 1, 2, 0, 0, 5, 6, 7, 8, 5, 6, 11, 12, 13, 14),
    extra_bones=((5, 6), (11, 12)),
))

# --- OpenPose BODY_25 --------------------------------------------------------------------------
BODY25 = register_skeleton(Skeleton(
    name="body25",
    joints=(
        "nose", "neck", "right_shoulder", "right_elbow", "right_wrist", "left_shoulder",
        "left_elbow", "left_wrist", "mid_hip", "right_hip", "right_knee", "right_ankle",
        "left_hip", "left_knee", "left_ankle", "right_eye", "left_eye", "right_ear", "left_ear",
        "left_big_toe", "left_small_toe", "left_heel", "right_big_toe", "right_small_toe",
        "right_heel",
    ),
    # OpenPose's own order puts the nose (0) before the neck (1), so the tree roots at the nose
    # and hangs the neck from it: the same lines are drawn as OpenPose's limb list.
    parents=(-1, 0, 1, 2, 3, 1, 5, 6, 1, 8, 9, 10, 8, 12, 13, 0, 0, 15, 16, 14, 19, 14, 11,
             22, 11),
))

# --- MediaPipe Pose (BlazePose) 33 landmarks ---------------------------------------------------
MEDIAPIPE33 = register_skeleton(Skeleton(
    name="mediapipe33",
    joints=(
        "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
        "right_eye_outer", "left_ear", "right_ear", "left_mouth", "right_mouth",
        "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
        "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index", "left_thumb",
        "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
        "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index",
    ),
    parents=(-1, 0, 1, 2, 0, 4, 5, 3, 6, 0, 0, 0, 0, 11, 12, 13, 14, 15, 16, 15, 16, 15, 16,
             11, 12, 23, 24, 25, 26, 27, 28, 27, 28),
    extra_bones=((11, 12), (23, 24), (9, 10), (17, 19), (18, 20), (29, 31), (30, 32)),
))


# --- ballroom23: the ballroom dataset of "Dance with Melody" (ACM MM 2018) ----------------
# The dataset does not document its 23 joints. dataprep/ballroom_skeleton.py derives the bone
# structure from all 40 sequences (minimum spanning tree on the time variability of joint
# distances, two anatomical corrections, names from mean positions in a body frame) and prints
# the numbers below; docs/ballroom_skeleton.md gives the evidence. The joints are listed parent
# first; BALLROOM23_COLUMNS[j] is the column of joint j in the dataset's files, which
# dancekit.io.ballroom reads.
_BALLROOM_JOINTS = (  # name, column in the dataset's files, parent name
    ("spine", 2, None),
    ("head", 1, "spine"),
    ("head_aux", 0, "spine"),
    ("right_shoulder", 3, "spine"),
    ("right_elbow", 4, "right_shoulder"),
    ("right_forearm", 5, "right_elbow"),
    ("right_wrist", 6, "right_forearm"),
    ("right_hand", 22, "right_wrist"),
    ("left_shoulder", 12, "spine"),
    ("left_elbow", 13, "left_shoulder"),
    ("left_forearm", 21, "left_elbow"),
    ("left_wrist", 14, "left_forearm"),
    ("left_hand", 15, "left_wrist"),
    ("right_hip", 7, "spine"),
    ("right_knee", 8, "right_hip"),
    ("right_ankle", 9, "right_knee"),
    ("right_heel", 10, "right_ankle"),
    ("right_toe", 11, "right_ankle"),
    ("left_hip", 16, "spine"),
    ("left_knee", 17, "left_hip"),
    ("left_ankle", 18, "left_knee"),
    ("left_heel", 19, "left_ankle"),
    ("left_toe", 20, "left_ankle"),
)
_BALLROOM_NAMES = tuple(n for n, _, _ in _BALLROOM_JOINTS)
BALLROOM23_COLUMNS: tuple[int, ...] = tuple(c for _, c, _ in _BALLROOM_JOINTS)

# Rest pose: the mean pose in a body frame (x = dancer's left, y up, z forward), metres; each
# offset is the mean bone direction times the mean bone length over all 40 sequences.
_BALLROOM_OFFSETS = np.array([
    [0.0, 0.0, 0.0],
    [0.0165, 0.4889, -0.0537],  # head
    [-0.0628, 0.4797, -0.0692],  # head_aux
    [-0.1538, 0.2990, -0.0398],  # right_shoulder
    [-0.2478, -0.1714, 0.0199],  # right_elbow
    [-0.0121, -0.0063, 0.1161],  # right_forearm
    [0.0111, 0.0208, 0.1325],  # right_wrist
    [0.0262, -0.0079, 0.0370],  # right_hand
    [0.1323, 0.3196, -0.0519],  # left_shoulder
    [0.2497, -0.1585, 0.0234],  # left_elbow
    [0.0576, 0.0879, 0.0523],  # left_forearm
    [0.0370, 0.0385, 0.0256],  # left_wrist
    [0.0719, -0.0026, 0.0940],  # left_hand
    [-0.1001, -0.1441, -0.0422],  # right_hip
    [-0.0371, -0.4812, 0.0599],  # right_knee
    [0.0223, -0.3320, -0.0739],  # right_ankle
    [0.0674, -0.0647, -0.0565],  # right_heel
    [-0.0072, -0.1276, 0.1234],  # right_toe
    [0.1088, -0.1378, -0.0423],  # left_hip
    [0.0383, -0.4900, 0.0340],  # left_knee
    [-0.0293, -0.3334, -0.0929],  # left_ankle
    [-0.0799, -0.0539, -0.0633],  # left_heel
    [0.0193, -0.1171, 0.1174],  # left_toe
])

BALLROOM23 = register_skeleton(Skeleton(
    name="ballroom23",
    joints=_BALLROOM_NAMES,
    parents=tuple(-1 if p is None else _BALLROOM_NAMES.index(p) for _, _, p in _BALLROOM_JOINTS),
    offsets=_BALLROOM_OFFSETS,
    extra_bones=((_BALLROOM_NAMES.index("left_shoulder"), _BALLROOM_NAMES.index("right_shoulder")),
                 (_BALLROOM_NAMES.index("left_hip"), _BALLROOM_NAMES.index("right_hip"))),
))
