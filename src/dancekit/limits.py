"""Ranges shared by the library and the command line, in a module with no imports so the
command's help can state them without loading any model code."""

#: Shortest and longest dance a model makes, seconds: one second holds a couple of beats, and
#: two hours is longer than any song, while a typo such as 1e6 would otherwise run for days.
MIN_SECONDS, MAX_SECONDS = 1.0, 7200.0
#: Seeds are the unsigned 32-bit integers for every model (numpy's and torch's generators
#: both take them), so a seed means the same everywhere.
MAX_SEED = 2**32 - 1
