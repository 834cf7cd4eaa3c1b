"""Check that Blender imports dancekit's BVH as an animated armature that reproduces the motion.

Usage:
    python -m venv /tmp/bpy && /tmp/bpy/bin/pip install bpy==4.2.0   # Blender as a module
    python studies/bvh_blender.py --blender-python /tmp/bpy/bin/python [path/to/shared/data]

Writes three BVH files with dancekit (the real capture, a ballroom sequence through IK, a random
SMPL-24 motion with rotations), imports each with Blender's own BVH importer
(``bpy.ops.import_anim.bvh``, default Y-up -> Z-up conversion) in the given Python, and prints
per file the bones, frame rate, animation curves and the largest distance between Blender's
bone heads and dancekit's joint positions (as re-read from the file) over 60 frames.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from dancekit import Motion
from dancekit.io import load_motion, read_bvh, save_motion

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data"

# Runs inside Blender's Python: import each BVH, compare bone heads with the reference.
_IN_BLENDER = r"""
import json, sys
import bpy
import numpy as np

out = {}
for name in json.loads(sys.argv[1]):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.import_anim.bvh(filepath=name + ".bvh", update_scene_fps=True,
                            update_scene_duration=True)
    arm = [o for o in bpy.context.scene.objects if o.type == "ARMATURE"][0]
    ref = np.load(name + ".npy") * 100.0
    ref = np.stack([ref[..., 0], -ref[..., 2], ref[..., 1]], -1)  # Y up -> Z up
    scene = bpy.context.scene
    worst = 0.0
    for k in range(min(60, len(ref))):
        scene.frame_set(scene.frame_start + k)
        heads = np.array([list(arm.matrix_world @ b.head) for b in arm.pose.bones])
        worst = max(worst, float(np.linalg.norm(heads - ref[k], axis=-1).max()))
    action = arm.animation_data.action
    out[name] = {"bones": len(arm.pose.bones), "fps": scene.render.fps,
                 "fcurves": len(action.fcurves), "max_cm": worst}
print("RESULT" + json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blender-python", required=True,
                        help="a Python interpreter that can import bpy")
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    rng = np.random.default_rng(0)
    motions = {
        "real BVH (200 frames)": load_motion(
            args.data / "bvh" / "dataset-1_dance-short_normal_001.bvh")[:200],
        "ballroom DANCE_W_1 (IK)": load_motion(args.data / "ballroom" / "DANCE_W_1"),
        "SMPL-24 random rotations": Motion.from_rotations(
            rng.normal(0, 0.5, (60, 24, 3)),
            np.cumsum(rng.normal(0, 0.02, (60, 3)), 0) + [0, 0.9, 0], fps=30),
    }
    stems = {}
    for i, (label, motion) in enumerate(motions.items()):
        stem = tmp / f"m{i}"
        save_motion(motion, stem.with_suffix(".bvh"))
        np.save(stem.with_suffix(".npy"), read_bvh(stem.with_suffix(".bvh")).positions)
        stems[str(stem)] = label
    run = subprocess.run([args.blender_python, "-c", _IN_BLENDER, json.dumps(list(stems))],
                         capture_output=True, text=True, check=True)
    result = json.loads(run.stdout.split("RESULT", 1)[1])
    print(f"{'file':<26} {'bones':>5} {'fps':>4} {'f-curves':>8} {'max head error cm':>18}")
    for stem, label in stems.items():
        r = result[stem]
        print(f"{label:<26} {r['bones']:>5} {r['fps']:>4} {r['fcurves']:>8} "
              f"{r['max_cm']:18.6f}")


if __name__ == "__main__":
    main()
