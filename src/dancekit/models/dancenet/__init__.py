"""DanceNet: a convolutional VAE of dancer images and stacked LSTMs with a mixture density
network over its latents, given context and music.

The seed system is the open-source Keras project jsn5/dancenet: 120x208 single-channel
dancer images (background removed) are encoded into 128-d latents, three LSTMs of 512 with
a 24-component mixture density head model the latent sequence, and sampled latents are
decoded frame by frame into a video. Its code hears no music and trains the LSTMs on
sequences of one frame, so they never see context. Here:

* :mod:`.config`: :class:`DanceNetVAEConfig` and :class:`DanceNetConfig`, each with
  ``published()`` (the seed system's sizes, its one-frame sequences and no music);
* :mod:`.network`: the image VAE and the LSTM-MDN, and the mixture's log-likelihood;
* :mod:`.sampling`: latents drawn one a frame at a temperature;
* :mod:`.training`: the VAE loss (summed cross-entropy and KL), the mixture likelihood over
  windows of latents with the state carried through them, statistics, validation;
* :mod:`.measures`: reconstruction, picture change, stillness and beat alignment of frames;
* :mod:`.model`: ``dancenet-vae`` (the VAE, trained first) and ``dancenet`` (the dance
  model, holding a copy of the VAE), whose dances are :class:`dancekit.render.images.
  ImageDance` frames rather than joints.

The images are silhouettes of real dancers: the capture's capsule body rendered by
:func:`dancekit.render.silhouette.silhouettes`, or people segmented out of videos
(:func:`dancekit.video.segment.person_masks`, ``dataprep/video_silhouettes.py``). The music
is FACT's 35 features with the beat phase, at the image rate (12.5 fps).
"""

from dancekit.models.dancenet.config import (
    IMAGE_FPS,
    MUSIC_DIM,
    DanceNetConfig,
    DanceNetVAEConfig,
)
from dancekit.models.dancenet.model import WEIGHTS_DIR, DanceNet, DanceNetVAE, motion_images
from dancekit.models.dancenet.network import ImageVAE, LatentMDN, mixture_log_likelihood
from dancekit.models.dancenet.sampling import roll_out, sample_mixture

__all__ = ["IMAGE_FPS", "MUSIC_DIM", "WEIGHTS_DIR", "DanceNet", "DanceNetConfig",
           "DanceNetVAE", "DanceNetVAEConfig", "ImageVAE", "LatentMDN",
           "mixture_log_likelihood", "motion_images", "roll_out", "sample_mixture"]
