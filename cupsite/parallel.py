"""Work across cores: worker processes forked once the plan is made, so each starts with the site,
the tables and the compiled templates already in memory, and only results travel back.

Forking is used only where it is safe and pays: on a system that has it, from a process that
runs no other threads (a fork copies one thread and the locks the others may hold), and for
enough items to outweigh starting the workers."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from .cache import using

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 48

_work: tuple[Callable, Sequence] | None = None  # set before the fork; the workers inherit it


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_parallel(function: Callable[[Item], Result], items: Sequence[Item], workers: int | None = None,
                    per_worker: int = MIN_ITEMS_PER_WORKER) -> list:
    """[function(item) for item in items], in that order, shared among worker processes when
    each would get at least `per_worker` items (fewer for costlier items). `function` must not
    raise: a worker cannot report an exception as a value."""
    count = min(workers or cores(), len(items) // per_worker)
    if count < 2 or "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return [function(item) for item in items]
    global _work
    _work = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            # Small runs of items handed to whichever worker is free: a worker on a core that is
            # slower at the moment takes fewer, and each run's results are read in while the
            # workers go on, rather than all of them once the slowest has finished.
            parts = pool.map(_run_part, _parts(len(items), count), chunksize=1)
    finally:
        _work = None
    return [result for part in parts for result in part]


PARTS_PER_WORKER = 16  # the last run is the only wait at the end: 1/16 of a worker's share at most


def _parts(length: int, workers: int) -> list[tuple[int, int]]:
    """(start, stop) of consecutive runs of items, about PARTS_PER_WORKER per worker."""
    size = max(1, -(-length // (workers * PARTS_PER_WORKER)))
    return [(start, min(start + size, length)) for start in range(0, length, size)]


def _run_part(part: tuple[int, int]) -> list:
    start, stop = part
    function, items = _work
    # Nothing a worker puts in its copy of the build cache comes back, so the memoized steps
    # nested in the work (a story's front matter, its Markdown) would only key and pickle for
    # nothing; without an active cache they just compute.
    with using(None):
        return [function(item) for item in items[start:stop]]
