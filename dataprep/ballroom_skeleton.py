"""Derive the bone structure of the ballroom dataset's undocumented 23-joint skeleton.

Usage: python dataprep/ballroom_skeleton.py [path/to/ballroom]

Reads every sequence's ``skeletons.json`` (joint columns in the dataset's own order), and

1. measures, for every pair of joints, the distance over time in each sequence: its mean,
   standard deviation and coefficient of variation (CV = std / mean), averaged over sequences;
2. takes the minimum spanning tree of the pair graph weighted by that standard deviation
   (bones keep their length; other pairs stretch as the body moves);
3. checks the tree against anatomy and prints the evidence for the corrections it needs;
4. names the joints from their mean position in a body frame (height above the hips, side of
   the body with the dancer facing +z, front/back), and checks the chirality with the
   ballroom hold (the lead's left hand is raised in waltz and tango);
5. prints the final bone table and the rest offsets that ``dancekit/motion/skeletons.py`` fixes in
   code, and verifies that the registered skeleton matches what the data give.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import minimum_spanning_tree

from dancekit.motion.skeletons import BALLROOM23, BALLROOM23_COLUMNS

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "ballroom"


def load_sequences(root: Path) -> dict[str, np.ndarray]:
    seqs = {}
    for f in sorted(root.glob("DANCE_*/skeletons.json")):
        d = json.loads(f.read_text())
        seqs[f.parent.name] = (np.asarray(d["skeletons"], float)
                               + np.asarray(d["center"], float)[:, None])
    return seqs


def pair_statistics(seqs: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair of dataset columns: mean distance, std and CV (cm), averaged over sequences."""
    means, stds = [], []
    for s in seqs.values():
        D = np.linalg.norm(s[:, :, None] - s[:, None], axis=-1)
        means.append(D.mean(0))
        stds.append(D.std(0))
    mean, std = np.mean(means, 0), np.mean(stds, 0)
    cv = np.mean([s / np.maximum(m, 1e-9) for s, m in zip(stds, means, strict=True)], 0)
    return mean, std, cv


def body_frame(seqs: dict[str, np.ndarray], right_hip: int, left_hip: int) -> np.ndarray:
    """All frames in a body frame: origin mid-hips, x towards ``left_hip``, y up, z forward."""
    out = []
    for s in seqs.values():
        origin = (s[:, right_hip] + s[:, left_hip]) / 2
        x = s[:, left_hip] - s[:, right_hip]
        x[:, 1] = 0
        x /= np.linalg.norm(x, axis=-1, keepdims=True)
        z = np.cross(x, [0.0, 1.0, 0.0])
        rel = s - origin[:, None]
        out.append(np.stack([(rel * x[:, None]).sum(-1), rel[..., 1],
                             (rel * z[:, None]).sum(-1)], -1))
    return np.concatenate(out)


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    seqs = load_sequences(root)
    if not seqs:
        sys.exit(f"no ballroom sequences under {root}")
    frames = sum(len(s) for s in seqs.values())
    print(f"{len(seqs)} sequences, {frames} frames, {next(iter(seqs.values())).shape[1]} joints")
    mean, std, cv = pair_statistics(seqs)
    W = std.copy()
    np.fill_diagonal(W, 0)
    mst = minimum_spanning_tree(W).toarray()
    edges = sorted((int(min(i, j)), int(max(i, j))) for i, j in zip(*np.nonzero(mst), strict=False))

    col = {name: c for name, c in zip(BALLROOM23.joints, BALLROOM23_COLUMNS, strict=True)}
    name_of = {c: n for n, c in col.items()}
    print("\n1. minimum spanning tree on distance std (dataset columns):")
    print(f"{'a':>3} {'b':>3}  {'std cm':>7} {'mean cm':>8} {'CV':>6}   names")
    for i, j in edges:
        print(f"{i:>3} {j:>3}  {std[i, j]:7.2f} {mean[i, j]:8.1f} {cv[i, j]:6.3f}   "
              f"{name_of[i]} - {name_of[j]}")

    print("\n2. corrections the tree needs (the hip points ride rigidly on the torso, so the")
    print("   spanning tree hangs the knees on the torso centre instead of the hips):")
    for side in ("right", "left"):
        k, h, s = col[f"{side}_knee"], col[f"{side}_hip"], col["spine"]
        print(f"   {side}_knee: std to {side}_hip {std[k, h]:.2f} cm (mean {mean[k, h]:.1f}), "
              f"to spine {std[k, s]:.2f} cm (mean {mean[k, s]:.1f}); anatomy: knee hangs on "
              f"the hip")

    body = body_frame(seqs, col["right_hip"], col["left_hip"])
    print("\n3. mean position in the body frame (cm; x = dancer's left, y up, z forward):")
    print(f"{'col':>3} {'joint':<16} {'x':>7} {'y':>7} {'z':>7}")
    for name, c in zip(BALLROOM23.joints, BALLROOM23_COLUMNS, strict=True):
        x, y, z = body[:, c].mean(0)
        print(f"{c:>3} {name:<16} {x:7.1f} {y:7.1f} {z:7.1f}")
    print("   (toes are in front of the heels, which fixes +z as forward and so +x as left)")

    print("\n4. chirality check with the ballroom hold (wrist height above the hips, cm):")
    for genre in "WTRC":
        sel = [s for k, s in seqs.items() if k.split("_")[1] == genre]
        if not sel:
            continue
        b = body_frame(dict(enumerate(sel)), col["right_hip"], col["left_hip"])
        lw, rw = b[:, col["left_wrist"], 1].mean(), b[:, col["right_wrist"], 1].mean()
        print(f"   {genre}: left wrist {lw:5.1f}, right wrist {rw:5.1f}")

    print("\n5. bones of ballroom23 (mean length, std and CV of the length over time):")
    print(f"{'joint':<16} {'parent':<16} {'col':>3} {'mean cm':>8} {'std cm':>7} {'CV':>6}")
    tree = set()
    for j, p in enumerate(BALLROOM23.parents):
        if p < 0:
            continue
        a, b = BALLROOM23_COLUMNS[j], BALLROOM23_COLUMNS[p]
        tree.add((min(a, b), max(a, b)))
        print(f"{BALLROOM23.joints[j]:<16} {BALLROOM23.joints[p]:<16} {a:>3} "
              f"{mean[a, b]:8.1f} {std[a, b]:7.2f} {cv[a, b]:6.3f}")
    differ = sorted(set(edges) ^ tree)
    print(f"\nregistered tree differs from the spanning tree in {len(differ)} edges: {differ}")

    print("\nrest offsets (body frame, metres; unit mean bone direction x mean length):")
    for j, p in enumerate(BALLROOM23.parents):
        if p < 0:
            print("    [0.0, 0.0, 0.0],")
            continue
        v = body[:, BALLROOM23_COLUMNS[j]] - body[:, BALLROOM23_COLUMNS[p]]
        d = v.mean(0)
        d = d / np.linalg.norm(d) * np.linalg.norm(v, axis=-1).mean() / 100.0
        print(f"    [{d[0]:.4f}, {d[1]:.4f}, {d[2]:.4f}],  # {BALLROOM23.joints[j]}")


if __name__ == "__main__":
    main()
