"""FACT, the Full-Attention Cross-modal Transformer of AI Choreographer.

Li, Yang, Ross & Kanazawa, "AI Choreographer: Music Conditioned 3D Dance Generation with
AIST++", ICCV 2021. The parts, each read in one pass:

* :mod:`.config`: :class:`FACTConfig`, every size and constant, stored whole in each
  checkpoint; :meth:`FACTConfig.published` is the paper's model and training exactly;
* :mod:`.network`: the audio, motion and cross-modal transformers and the read-out;
* :mod:`.sampling`: generation, a sliding window whose generated motion becomes the next
  seed, so any length of music gets danced;
* :mod:`.training`: the future-N loss over roll-out passes, the fitted statistics and
  linear base, validation;
* :mod:`.model`: :class:`FACT`, the registered ``fact`` model tying them together.

The motion (147 numbers a frame) and music features are shared with the other models
(:mod:`dancekit.models.representation`, :mod:`dancekit.models.music`).

The defaults add what a small CPU-trained network needed to beat "hold the last pose" and to
dance whole windows at a time (each a config key, measured in docs/results.md): future frames
predicted as changes from the seed's last frame and read out of their own query tokens, the
seed's frame-to-frame changes as input, a closed-form linear base, the beat phase as music
input, training on the model's own two-pass roll-outs, several hypotheses per window of which
generation draws one (against regression to the mean), and at generation a slow pose anchor
against drift.

Timing. The paper runs at 60 fps with 120 seed frames (2 s), 240 music frames (4 s) and 20
predicted frames (1/3 s). The default config keeps the paper's seconds of seed and music at
30 fps (60 and 120 frames), predicts the paper's 20 frames, and uses a small network, so it
trains on a 2-core CPU in well under an hour. The window for predicted frame
``t + motion_frames + i`` sees motion ``[t, t + motion_frames)`` and music
``[t, t + audio_frames)``: two seconds of music look-ahead beyond the last predicted frame,
which is the causal structure of the published model.
"""

from dancekit.models.fact.config import ADDED_KEYS, REMOVED_KEYS, FACTConfig
from dancekit.models.fact.model import FACT, WEIGHTS_DIR, describe
from dancekit.models.music import beat_phase, fact_music_features
from dancekit.models.representation import encode_motion, features_to_motion, motion_to_features

__all__ = ["ADDED_KEYS", "FACT", "FACTConfig", "REMOVED_KEYS", "WEIGHTS_DIR", "beat_phase",
           "describe", "encode_motion", "fact_music_features", "features_to_motion",
           "motion_to_features"]
