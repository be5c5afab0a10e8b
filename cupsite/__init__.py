"""cupsite: a static site generator for motor-racing series."""

__version__ = "0.1.0"
