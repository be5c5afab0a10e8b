"""Work across cores: worker processes forked once the plan is made, so each starts with the site,
the tables and the compiled templates already in memory, and only results travel back.

Forking is used only where it is safe and pays: on a system that has it, from a process that
runs no other threads (a fork copies one thread and the locks the others may hold), and for
enough items to outweigh starting the workers."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import TypeVar

from .cache import using

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 48


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_parallel(function: Callable[[Item], Result], items: Sequence[Item], workers: int | None = None,
                    per_worker: int = MIN_ITEMS_PER_WORKER) -> list:
    """[function(item) for item in items], in that order, shared among this process and forked
    worker processes when each would get at least `per_worker` items (fewer for costlier items).
    `function` must not raise: a worker cannot report an exception as a value."""
    count = min(workers or cores(), len(items) // per_worker)
    if count < 2 or "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return [function(item) for item in items]
    parts = _parts(len(items), count)
    # Small runs of items are taken in turn by whichever process is free, this one included: a
    # process on a core that is slower at the moment takes fewer. This process works too rather
    # than wait, so one fork fewer, and what it works out needs no copying back.
    next_part = multiprocessing.get_context("fork").Value("i", 0)
    sys.stdout.flush()
    sys.stderr.flush()
    children = [_fork_worker(function, items, parts, next_part) for _ in range(count - 1)]
    try:
        done = _take_parts(function, items, parts, next_part)
        for _, results in children:
            data = results.read()
            if not data:
                raise RuntimeError("a worker process of the build ended without its results")
            done.update(pickle.loads(data))
    except BaseException:  # an interrupt, say: the workers' results are not wanted any more
        for pid, _ in children:
            os.kill(pid, signal.SIGKILL)
        raise
    finally:
        for pid, results in children:
            results.close()
            os.waitpid(pid, 0)
    return [result for index in range(len(parts)) for result in done[index]]


PARTS_PER_WORKER = 16  # the last run is the only wait at the end: 1/16 of a process's share at most


def _parts(length: int, workers: int) -> list[tuple[int, int]]:
    """(start, stop) of consecutive runs of items, about PARTS_PER_WORKER per process."""
    size = max(1, -(-length // (workers * PARTS_PER_WORKER)))
    return [(start, min(start + size, length)) for start in range(0, length, size)]


def _take_parts(function, items, parts, next_part) -> dict[int, list]:
    """Work out runs of items until none is left: {run's index: its results}."""
    done = {}
    # Nothing a worker puts in its copy of the build cache comes back, so the memoized steps
    # nested in the work (a story's front matter, its Markdown) would only key and pickle for
    # nothing; without an active cache they just compute. The same holds here, for the same work.
    with using(None):
        while True:
            with next_part.get_lock():
                index = next_part.value
                next_part.value += 1
            if index >= len(parts):
                return done
            start, stop = parts[index]
            done[index] = [function(item) for item in items[start:stop]]


def _fork_worker(function, items, parts, next_part):
    """Fork a process that takes runs of items as this one does and sends back what it worked out
    once none is left: (its pid, the file its results are read from)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(reader)
            with open(writer, "wb") as results:
                results.write(pickle.dumps(_take_parts(function, items, parts, next_part),
                                           protocol=pickle.HIGHEST_PROTOCOL))
            code = 0
        except Exception:  # a bug in cupsite: the parent reports the missing results
            traceback.print_exc()
        finally:
            os._exit(code)  # never back into the build: its cleanup belongs to the parent
    os.close(writer)
    return pid, open(reader, "rb")
