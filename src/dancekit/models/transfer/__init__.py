"""Motion transfer, Everybody Dance Now (Chan et al., ICCV 2019): a pose-to-image GAN that
draws one target person, trained on a video of them (:class:`MotionTransfer`)."""

from dancekit.models.transfer.config import TransferConfig
from dancekit.models.transfer.model import MotionTransfer

__all__ = ["MotionTransfer", "TransferConfig"]
