"""Ranges shared by the library and the command line, in a module with no imports so the
command's help can state them without loading any model code."""

#: Shortest and longest dance a model makes, seconds: one second holds a couple of beats, and
#: two hours is longer than any song, while a typo such as 1e6 would otherwise run for days.
MIN_SECONDS, MAX_SECONDS = 1.0, 7200.0
#: Seeds are the unsigned 32-bit integers for every model (numpy's and torch's generators
#: both take them), so a seed means the same everywhere.
MAX_SEED = 2**32 - 1
#: Hottest sampling temperature of the models that draw from learned odds: past it every
#: draw is about a coin toss.
MAX_TEMPERATURE = 10.0

#: Largest coordinate magnitude accepted (metres in 3D, pixels in 2D, radians for rotations).
#: Far beyond any real dance, yet small enough that squares, sums and projections of the
#: values stay finite in float32, so renderers and metrics never meet an overflow.
MAX_ABS_VALUE = 1e6
#: Frame-rate range accepted, in frames per second. Below ``MIN_FPS`` a single frame would
#: last over a quarter of an hour; above ``MAX_FPS`` no capture system records.
MIN_FPS = 1e-3
MAX_FPS = 1e4
