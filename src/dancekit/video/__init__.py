"""Video coming in: frames of a clip (``frames``) and the optional person detector
(``backend``: mediapipe, from the ``pose`` extra), shared by motion transfer and the
image-space dance models."""
