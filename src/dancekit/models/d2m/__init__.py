"""Dancing to Music: a dance decomposed into units at its kinematic beats, a DU-VAE that
codes each unit as an initial pose and a movement, and an MM-GAN that composes movement
codes for the music, unit after unit; the beat warper then lands the dance on the beats.

Lee, Yang, Liu, Wang, Lu, Yang & Kautz, "Dancing to Music", NeurIPS 2019. The parts, each
read in one pass:

* :mod:`.config`: :class:`D2MConfig`, every size, the units and the two training stages,
  stored whole in each checkpoint;
* :mod:`.units`: a dance cut at its kinematic beats (:func:`dancekit.motion.movement_beats`)
  into units of ``unit_beats`` beats, root-relative and time-normalised, the music over each
  unit (style: FACT feature statistics; beat: the onset envelope and the unit's length), and
  a song cut at its tracked beats into the units to dance;
* :mod:`.network`: the DU-VAE (initial-pose encoder, recurrent movement encoder and unit
  decoder) and the MM-GAN (recurrent generator of movement codes, recurrent discriminator of
  (music, dance) pairs with a style head);
* :mod:`.training`: the DU-VAE stage (reconstruction, KL, the swapped-initial-pose cycle that
  keeps the codes apart), then the MM-GAN stage against the frozen DU-VAE (adversarial, code
  regression, style), one optimiser for both;
* :mod:`.sampling`: units composed one after another, each from the pose the previous one
  ended in, stretched onto the song and joined;
* :mod:`.model`: :class:`D2M`, the registered ``d2m`` model.
"""

from dancekit.models.d2m.config import D2MConfig
from dancekit.models.d2m.model import D2M, WEIGHTS_DIR
from dancekit.models.d2m.units import dance_units, music_bounds, unit_bounds

__all__ = ["D2M", "WEIGHTS_DIR", "D2MConfig", "dance_units", "music_bounds", "unit_bounds"]
