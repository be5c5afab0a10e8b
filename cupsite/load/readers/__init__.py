"""Readers of a session's files, one module per layout: the hand-written YAML classification and
the timing systems' exports. `base` is the interface, `registry` finds the reader of a file."""
