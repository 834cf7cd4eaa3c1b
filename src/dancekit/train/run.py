"""``dancekit train``: from data folders and a YAML config to a trained checkpoint.

The YAML file has two optional sections, each overriding the code's defaults key by key (an
unknown key is an error, so a typo never silently becomes a default)::

    model:            # the model's config dataclass (FACT: dancekit.models.fact.FACTConfig)
      hidden: 192
    train:            # dancekit.train.TrainConfig
      steps: 4000
      batch_size: 32

When ``model.styles`` is not given, the style labels found in the data become the model's
styles. On ``--resume`` the configs stored in the run win; ``--steps`` may extend the run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import torch
import yaml

from dancekit.data.sources import Pair, load_sources
from dancekit.data.video_target import POSES_FILE, detected_poses, read_poses, target_clips
from dancekit.data.windows import split_by_sequence
from dancekit.errors import AudioDecodeError, DataFormatError, ParameterError
from dancekit.train.run_lock import LOCK_FILE, run_lock
from dancekit.train.state import load_trainer_state, refuse_legacy_state
from dancekit.train.trainer import STATE_FILE, TrainConfig, Trainer, split_seed
from dancekit.utils import existing_file, progress
from dancekit.video.backend import mediapipe
from dancekit.video.frames import probe_video

MAX_CONFIG_BYTES = 1 << 20
MERGE_TAG = "tag:yaml.org,2002:merge"  # `<<: *base`, resolved by PyYAML itself
MAX_CONFIG_DEPTH = 8  # model: tokenizer_config: styles: [...] is the deepest real config


class _StrictLoader(yaml.SafeLoader):
    """``yaml.safe_load``'s loader, refusing a key given twice (the second would silently win)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _depth(node: yaml.Node) -> int:
    """Nesting depth of a composed YAML document, walked without recursion."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(n, yaml.SequenceNode):
            stack.extend((c, d + 1) for c in n.value)
        elif isinstance(n, yaml.MappingNode):
            stack.extend((c, d + 1) for pair in n.value for c in pair)
    return deepest


def _yaml_problem(err: yaml.YAMLError) -> str:
    """One line for a YAML error (PyYAML's own message spans several, quoting the file)."""
    problem = getattr(err, "problem", None)
    mark = getattr(err, "problem_mark", None)
    if problem is None:
        return " ".join(str(err).split())
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"{' '.join(str(problem).split())}{where}"


def read_yaml_config(path: Path) -> Any:
    """A small YAML file's data, refusing what is not a plain config: more than a megabyte,
    other than UTF-8 text, nesting deeper than any config, a duplicate key or a tag that
    would build a Python object. Every refusal is one line."""
    if not path.is_file():
        raise ParameterError(f"config file not found: {path}")
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ParameterError(f"config {path} is larger than {MAX_CONFIG_BYTES >> 20} MiB")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ParameterError(f"config {path} is not UTF-8 text") from None
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _depth(node) > MAX_CONFIG_DEPTH:
            raise ParameterError(f"config {path} is nested more than {MAX_CONFIG_DEPTH} "
                                 "levels deep")
        return loader.construct_document(node)
    except yaml.YAMLError as err:
        raise ParameterError(f"config {path} is not valid YAML: {_yaml_problem(err)}"
                             ) from None
    except RecursionError:  # the parser recurses per level, before any depth is known
        raise ParameterError(f"config {path} is nested too deeply") from None
    finally:
        loader.dispose()


def load_run_config(path: str | Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(model overrides, train overrides) from a YAML file; empty without one."""
    if path is None:
        return {}, {}
    path = Path(path)
    doc = read_yaml_config(path) or {}
    if not isinstance(doc, dict):
        raise ParameterError(f"config {path} must be a mapping with model: and train: sections")
    unknown = sorted(map(str, set(doc) - {"model", "train"}))
    if unknown:
        raise ParameterError(f"config {path}: unknown sections {', '.join(unknown)} "
                             "(expected model, train)")
    model, train_ = doc.get("model") or {}, doc.get("train") or {}
    if not isinstance(model, dict) or not isinstance(train_, dict):
        raise ParameterError(f"config {path}: model and train must be mappings")
    return model, train_


def make_run_folder(out: str | Path) -> Path:
    """``out`` and any missing parents, as ``mkdir -p`` would."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ParameterError(f"cannot create the run folder {out}: "
                             f"{err.strerror or err}") from None
    return out


def train(model_name: str, data: list[str | Path], out: str | Path, *,
          config: str | Path | None = None, steps: int | None = None, resume: bool = False,
          show_progress: bool = True, video: str | Path | None = None,
          poses: str | Path | None = None) -> dict[str, float]:
    """Train ``model_name`` on the pairs in ``data``; checkpoints go to ``out`` (created with
    its parents), which no other ``train`` may use meanwhile. A model trained on one
    person's video (``data_kind = "video"``: motion transfer) takes ``video`` instead, with
    its 2D ``poses`` file or, without one, the detector's.

    Returns the final validation results (held-out loss and metrics on generated dances).
    """
    from dancekit.models import load_model, model_class, trainable_models

    trainable = trainable_models()
    if model_name not in trainable:
        raise ParameterError(f"cannot train model {model_name!r} (trainable: "
                             f"{', '.join(trainable)})")
    cls = model_class(model_name)
    if Path(out).exists() and not Path(out).is_dir():
        raise ParameterError(f"--out {out} is a file, not a run folder")
    model_over, train_over = load_run_config(config)
    train_over = {**getattr(cls, "train_defaults", {}), **train_over}
    if not resume:  # fail before reading data
        cls.config_class.from_dict(model_over, complete=False)
        init = TrainConfig.from_dict(train_over).init
        if init:
            load_model(init)  # a bad name or checkpoint to start from, too
    on_video = getattr(cls, "data_kind", "pairs") == "video"
    if on_video != (video is not None):
        raise ParameterError(f"{model_name} trains on " + (
            "a video of one person: pass --video TARGET.mp4" if on_video
            else "music-motion folders: pass --data DIR, not --video"))
    if on_video and data:
        raise ParameterError(f"{model_name} trains on --video alone, not --data")
    if on_video and train_over.get("tempo"):
        raise ParameterError(f"train config tempo re-times music-motion pairs; {model_name} "
                             "trains on a video")
    if poses is not None and not on_video:
        raise ParameterError("--poses goes with --video")
    pairs = [] if on_video else load_sources(list(data))
    if video is not None:  # a bad video or poses file fails before the run folder exists
        video = existing_file(video, what="video")
        given = None if poses is None else read_poses(Path(poses))
        if given is None:
            probe_video(video)
            if not (Path(out) / POSES_FILE).is_file():
                mediapipe()  # the detector must run: DetectorMissing says how to install it
        else:
            target_clips(video, given)  # the poses are this video's
    fresh = not Path(out).exists()
    out = make_run_folder(out)
    first = int(os.environ.get("RANK", "0")) == 0
    with run_lock(out) if first else contextlib.nullcontext():
        try:
            if video is not None:
                pairs = target_clips(video, given if given is not None else
                                     detected_poses(video, out))
                data = [video]
            return _train_locked(cls, model_name, pairs, data, out, model_over, train_over,
                                 steps=steps, resume=resume, show_progress=show_progress)
        except BaseException:
            if fresh and first:
                remove_if_unused(out)
            raise


def remove_if_unused(out: Path) -> None:
    """Take away a run folder this run made when it failed before writing anything into it
    but its lock (a failed run leaves nothing behind), while the lock is still held."""
    if {p.name for p in out.iterdir()} == {LOCK_FILE}:
        (out / LOCK_FILE).unlink()
        out.rmdir()


def _train_locked(cls: type, model_name: str, pairs: list[Any], data: list[str | Path],
                  out: Path, model_over: dict[str, Any], train_over: dict[str, Any], *,
                  steps: int | None, resume: bool, show_progress: bool) -> dict[str, float]:
    """:func:`train` once the run folder is ours."""
    state_path = out / STATE_FILE
    if resume and state_path.is_file():
        state = load_trainer_state(state_path)
        model_cfg = cls.config_class.from_dict(state.get("model_config"))
        train_dict = dict(state.get("train_config") or {})
    else:
        if resume:
            refuse_legacy_state(out)
        if "styles" not in model_over:
            model_over = {**model_over,
                          "styles": sorted({p.style for p in pairs if p.style is not None})}
        model_cfg = cls.config_class.from_dict(model_over, complete=False)
        train_dict = dataclasses.asdict(TrainConfig.from_dict(train_over))
    if steps is not None:
        train_dict["steps"] = steps
    train_cfg = TrainConfig.from_dict(train_dict)
    pairs = without_end(excluded(pairs, train_cfg.exclude), train_cfg.drop_end)
    torch.manual_seed(train_cfg.seed)  # the initial weights follow the seed
    model = cls(model_cfg)
    sequences = encode_pairs(model, pairs, show_progress)
    train_seqs, val_seqs = split_by_sequence(sequences, train_cfg.val_fraction,
                                             split_seed(train_cfg),
                                             fixed={p.name: p.split for p in pairs if p.split})
    if train_cfg.tempo:  # after the split: no validation dance is learned at another tempo
        from dancekit.data.tempo import tempo_copies

        learned = {s.name for s in train_seqs}
        chosen = [p for p in pairs if p.name in learned]
        train_seqs += encode_pairs(model, tempo_copies(chosen, train_cfg.tempo),
                                   show_progress, total=len(chosen) * len(train_cfg.tempo),
                                   description="tempo copies")
    trainer = Trainer(model, model_name, train_seqs, val_seqs, train_cfg, out, resume=resume,
                      show_progress=show_progress, data_sources=[str(d) for d in data])
    return trainer.fit()


def excluded(pairs: list[Pair], patterns: list[str]) -> list[Pair]:
    """``pairs`` without those whose name, or its last part, matches a pattern."""
    if not patterns:
        return pairs
    kept = [p for p in pairs if not any(fnmatch.fnmatchcase(n, pat) for pat in patterns
                                        for n in (p.name, p.name.rsplit("/", 1)[-1]))]
    if not kept:
        raise ParameterError(f"train config exclude leaves no data ({len(pairs)} pairs)")
    return kept


def without_end(pairs: list[Pair], seconds: float) -> list[Pair]:
    """``pairs`` with the last ``seconds`` of each dance cut (the music stays whole: a model
    reads it for the frames it dances); a pair left with nothing is left out."""
    if seconds <= 0:
        return pairs
    kept = []
    for pair in pairs:
        frames = pair.motion.num_frames - int(round(seconds * pair.motion.fps))
        if frames > 0:
            kept.append(dataclasses.replace(pair, motion=pair.motion[:frames]))
    if not kept:
        raise ParameterError(f"train config drop_end ({seconds:g} s) leaves no data: every "
                             "dance is that short")
    return kept


def encode_pairs(model: Any, pairs: Iterable[Pair], show_progress: bool, *,
                 total: int | None = None, description: str = "music features") -> list[Any]:
    """Each pair as the model's training sequence. A pair whose music cannot be decoded is
    left out with a warning naming it (one damaged file should not end a run over many);
    all of them failing is an error."""
    pairs = pairs if total is not None else list(pairs)
    total = len(pairs) if total is None else total
    sequences = []
    for pair in progress(pairs, total=total, description=description,
                         disable=not show_progress):
        try:
            sequences.append(model.encode(pair))
        except AudioDecodeError as err:
            print(f"warning: {pair.name} left out: {err}", file=sys.stderr)
    if not sequences:
        raise DataFormatError(f"none of the {total} pairs has music that decodes")
    return sequences
