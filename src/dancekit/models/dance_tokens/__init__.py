"""Dance tokens: a music-conditioned transformer that draws a dance code by code.

The dance is a sequence of codes of a motion tokenizer (:mod:`dancekit.models.motion_vq`,
one code per 8 frames, 0.27 s at 30 fps); a causal transformer reads the codes so far, the
music and the style, and gives the odds of the next code; generation draws codes one at a
time (at ``temperature``) and the tokenizer's decoder turns them into motion. This is the
generative route of Bailando (Siyao et al., CVPR 2022), without its split upper/lower-body
codebooks and actor-critic fine-tuning. Each position sees the 8 frames of music its code
covers and the 8 after them (FACT's 35-d features and the phase within the tracker's beat),
so the dance can anticipate what comes; the context holds the last ``context_codes`` codes
(12.8 s by default) and slides for songs of any length.

Why it exists beside FACT (:mod:`dancekit.models.fact`): FACT regresses frames and averages
the moves a song allows into small, look-alike motion (docs/results.md). Codes can only be
real moves, so the dances keep the reach and variety of the training dances.

The parts: :mod:`.config` (:class:`DanceTokensConfig`), :mod:`.model` (the code transformer,
registered as ``dance-tokens``) and :mod:`.sampling` (the loop that draws the codes).

Training is two runs of the shared Trainer, the tokenizer first::

    dancekit train motion-vq --data synth600 --out runs/vq --config vq.yaml
    dancekit train dance-tokens --data synth600 --out runs/tokens --config tokens.yaml
    # tokens.yaml: model: {tokenizer: runs/vq/model.safetensors}

The second checkpoint holds a copy of the tokenizer, so it alone rebuilds the model.
"""

from dancekit.models.dance_tokens.config import MUSIC_DIM, DanceTokensConfig
from dancekit.models.dance_tokens.model import WEIGHTS_DIR, DanceTokens

__all__ = ["MUSIC_DIM", "WEIGHTS_DIR", "DanceTokens", "DanceTokensConfig"]
