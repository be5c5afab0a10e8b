"""Work across cores: worker processes forked once the plan is made, so each starts with the site,
the tables and the compiled templates already in memory, and only results travel back.

Forking is used only where it is safe and pays: on a system that has it, from a process that
runs no other threads (a fork copies one thread and the locks the others may hold), and for
enough items to outweigh starting the workers."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 48


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_in_parallel(function: Callable[[Item], Result], items: Sequence[Item], workers: int | None = None,
                    per_worker: int = MIN_ITEMS_PER_WORKER,
                    shared_out: Callable[[], AbstractContextManager] = nullcontext) -> list:
    """[function(item) for item in items], in that order, shared among this process and forked
    worker processes when each would get at least `per_worker` items (fewer for costlier items).
    While the work is shared out, it runs within `shared_out()`. An exception `function` raises
    in a worker is raised here, as it would be without workers."""
    count = min(workers or cores(), len(items) // per_worker)
    if count < 2 or threading.active_count() > 1:
        return [function(item) for item in items]
    import multiprocessing  # here: a build that shares out no work (nothing changed, a small site) never needs it

    if "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    parts = _parts(len(items), count)
    # Small runs of items are taken in turn by whichever process is free, this one included: a
    # process on a core that is slower at the moment takes fewer. This process works too rather
    # than wait, so one fork fewer, and what it works out needs no copying back. What the workers
    # work out comes back run by run, and is read in here between runs of its own.
    next_part = multiprocessing.get_context("fork").Value("i", 0)
    sys.stdout.flush()
    sys.stderr.flush()
    children = [_fork_worker(function, items, parts, next_part, shared_out) for _ in range(count - 1)]
    inbox = _Inbox([descriptor for _, descriptor in children])
    try:
        while _alongside:  # this process's own work first; the workers take more runs meanwhile
            _alongside.pop(0)()
        done = {}

        def finished(index: int, results: list) -> None:
            done[index] = results
            inbox.collect()

        _take_parts(function, items, parts, next_part, finished, shared_out)
        inbox.collect(to_the_end=True)
        done.update(inbox.results)
        if len(done) != len(parts):
            raise RuntimeError("a worker process of the build ended without all its results")
    except BaseException:  # an interrupt, say: the workers' results are not wanted any more
        for pid, _ in children:
            os.kill(pid, signal.SIGKILL)
        raise
    finally:
        for pid, descriptor in children:
            os.close(descriptor)
            os.waitpid(pid, 0)
    results = [result for index in range(len(parts)) for result in done[index]]
    for result in results:
        if type(result) is _Raised:
            raise result.error
    return results


_alongside: list[Callable[[], None]] = []


@contextmanager
def alongside(task: Callable[[], None]) -> Iterator[None]:
    """Run `task` in this process while the workers of the block's first shared-out work start on
    it, or, if none is shared out, when the block ends. For work of this process's own that the
    block's work does not need: on one core of two, it would otherwise leave the other idle."""
    _alongside.append(task)
    try:
        yield
    except BaseException:
        if task in _alongside:
            _alongside.remove(task)
        raise
    if task in _alongside:
        _alongside.remove(task)
        task()


PARTS_PER_WORKER = 64  # the last run is the only wait at the end: 1/64 of a process's share at most


def _parts(length: int, workers: int) -> list[tuple[int, int]]:
    """(start, stop) of consecutive runs of items, about PARTS_PER_WORKER per process."""
    size = max(1, -(-length // (workers * PARTS_PER_WORKER)))
    return [(start, min(start + size, length)) for start in range(0, length, size)]


def _take_parts(function, items, parts, next_part, finished: Callable[[int, list], None], shared_out) -> None:
    """Work out runs of items until none is left, handing each run's results to `finished`."""
    with shared_out():
        while True:
            with next_part.get_lock():
                index = next_part.value
                next_part.value += 1
            if index >= len(parts):
                return
            start, stop = parts[index]
            finished(index, [_guarded(function, item) for item in items[start:stop]])


def _guarded(function, item):
    """function(item), or the exception it raised as a value: a worker sends it back to be raised."""
    try:
        return function(item)
    except Exception as error:  # noqa: BLE001 - raised again by map_in_parallel, in the parent
        try:
            pickle.dumps(error)
        except Exception:  # noqa: BLE001 - an exception that cannot travel: its text does
            error = RuntimeError("".join(traceback.format_exception(error)))
        return _Raised(error)


class _Raised:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _fork_worker(function, items, parts, next_part, shared_out) -> tuple[int, int]:
    """Fork a process that takes runs of items as this one does and sends back each run's results
    as it finishes it: (its pid, the descriptor they are read from)."""
    import fcntl  # here: a system without fork has no fcntl either, and never comes here

    reader, writer = os.pipe()
    with suppress(OSError):  # a larger pipe: the worker rarely waits for this process to read
        fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(reader)
            with open(writer, "wb") as pipe:  # a buffered file writes all it is given

                def send(index: int, results: list) -> None:
                    data = pickle.dumps((index, results), protocol=pickle.HIGHEST_PROTOCOL)
                    pipe.write(len(data).to_bytes(_LENGTH, "little"))
                    pipe.write(data)
                    pipe.flush()  # the run goes now, not when the buffer is full

                _take_parts(function, items, parts, next_part, send, shared_out)
            code = 0
        except Exception:  # a bug in cupsite: the parent reports the missing results
            traceback.print_exc()
        finally:
            os._exit(code)  # never back into the build: its cleanup belongs to the parent
    os.close(writer)
    return pid, reader


_PIPE_SIZE = 1 << 20  # what Linux lets any process ask for (/proc/sys/fs/pipe-max-size)
_LENGTH = 8  # bytes of the length written before each run's pickled results


class _Inbox:
    """The runs' results the workers send, read without waiting between this process's own runs,
    and to the end once it has no run left."""

    def __init__(self, descriptors: list[int]):
        self.results: dict[int, list] = {}
        self._unread = {descriptor: bytearray() for descriptor in descriptors}
        self._open = list(descriptors)
        for descriptor in descriptors:
            os.set_blocking(descriptor, False)

    def collect(self, to_the_end: bool = False) -> None:
        for descriptor in list(self._open):
            if to_the_end:
                os.set_blocking(descriptor, True)
            while True:
                try:
                    chunk = os.read(descriptor, _PIPE_SIZE)
                except BlockingIOError:
                    break  # nothing more for now
                if not chunk:
                    self._open.remove(descriptor)  # the worker is done
                    break
                self._unread[descriptor] += chunk
            self._unpack(self._unread[descriptor])

    def _unpack(self, unread: bytearray) -> None:
        offset = 0
        with memoryview(unread) as view:
            while len(unread) - offset >= _LENGTH:
                size = int.from_bytes(view[offset:offset + _LENGTH], "little")
                if len(unread) - offset - _LENGTH < size:
                    break  # the rest of this run is still on its way
                index, results = pickle.loads(view[offset + _LENGTH:offset + _LENGTH + size])
                self.results[index] = results
                offset += _LENGTH + size
        del unread[:offset]
