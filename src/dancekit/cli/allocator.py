"""Allocator settings for the short-lived ``dancekit`` process.

glibc hands every block above 128 KiB straight back to the kernel when it is freed, so a
command that makes many mid-sized numpy temporaries (a (1200, 24, 3) float64 copy per
motion and metric, a 512x512 RGB frame per video frame) pays a page fault for every 4 KiB
of each one, again and again: a third of ``dancekit evaluate``'s CPU time on 40 motions.
Keeping blocks up to :data:`MMAP_THRESHOLD` on the heap, and the heap's free top up to
:data:`TRIM_THRESHOLD`, lets freed memory be reused instead; larger arrays (long songs, huge
motions) are still returned to the system as soon as they are freed. The peak memory of a
command stays the same.
"""

from __future__ import annotations

import ctypes

MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 64 << 20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory() -> bool:
    """Apply the settings above if the C library is glibc; returns whether it did."""
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process already uses
    except (OSError, AttributeError):
        return False  # not glibc (musl, macOS): their allocators need no such help
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
