"""Dance Revolution: a local-attention music encoder, a recurrent dance decoder and dynamic
auto-condition training, for dances as long as the song.

Huang, Hu, Wu, Sawada, Zhang & Jiang, "Dance Revolution: Long-Term Dance Generation with
Music via Curriculum Learning", ICLR 2021. The parts, each read in one pass:

* :mod:`.config`: :class:`DanceRevolutionConfig`, every size and the curriculum, stored whole
  in each checkpoint; :meth:`DanceRevolutionConfig.published` is the paper's network;
* :mod:`.network`: the music encoder, whose frames attend only to frames at most ``window``
  away (a band; memory linear in the song's length), and the stacked LSTM cells that predict
  the next pose from the previous one and the encoded music at that frame;
* :mod:`.sampling`: a whole song encoded and danced in one pass (no sliding window), and the
  pose form with the root's travel as per-frame changes;
* :mod:`.training`: the dynamic auto-condition schedule (blocks of real inputs alternate
  with blocks of the decoder's own predictions, whose length grows over training), the L1
  and joint position losses, validation;
* :mod:`.model`: :class:`DanceRevolution`, the registered ``dance-revolution`` model.

The music is the paper's 438-d features (:func:`dancekit.audio.dance_revolution_features`:
MFCC, their deltas, chroma, the onset envelope, beats and the tempogram at 30 fps), with
the phase within dancekit's tracked beat appended by default. The motion is the shared 147
numbers a frame (:mod:`dancekit.models.representation`). With ``own_max: 0`` the same
network trains with teacher forcing only, the baseline the curriculum is measured against.
"""

from dancekit.models.dance_revolution.config import MUSIC_DIM, DanceRevolutionConfig
from dancekit.models.dance_revolution.model import WEIGHTS_DIR, DanceRevolution
from dancekit.models.dance_revolution.network import local_attention
from dancekit.models.dance_revolution.training import feed_schedule, own_frames

__all__ = ["MUSIC_DIM", "WEIGHTS_DIR", "DanceRevolution", "DanceRevolutionConfig",
           "feed_schedule", "local_attention", "own_frames"]
