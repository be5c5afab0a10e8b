"""How a stage asks for work that is worth keeping or sharing: the one interface between the
stages and the build engine.

A stage hands over a *step*, a function defined at the top of its module, and its arguments:
`each(step, items, *shared)` is `[step(item, *shared) for item in items]`, `once(step, *args)` is
`step(*args)`. What the engine does with them (take a result kept by an earlier build, share the
items among the cores) is its own affair: the key of a result is derived from the step's name and
its arguments, so a step must read nothing but its arguments (a file's bytes come in as an
argument, read with `read_bytes`). `tests/test_step_keys.py` checks that the steps keep to it.

Outside a build (a test, a script) a plain runner computes everything in order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from .errors import Problems

Item = TypeVar("Item")
Result = TypeVar("Result")

ITEMS_PER_WORKER = 48  # a step's items shared among the cores only when each would get this many


class Runner(Protocol):
    """What the engine provides: see the functions of this module, which call it."""

    def each(self, step: Callable, items: Sequence, shared: tuple, per_worker: int,
             finish: Callable | None) -> list: ...

    def checked_each(self, step: Callable, items: Sequence, shared: tuple, problems: Problems,
                     per_worker: int, finish: Callable | None) -> list: ...

    def once(self, step: Callable, args: tuple, mutable: bool) -> Any: ...

    def read_bytes(self, path: str) -> bytes | OSError: ...


def each(step: Callable[..., Result], items: Sequence[Item], *shared, per_worker: int = ITEMS_PER_WORKER,
         finish: Callable[[Item, Result], Result] | None = None) -> list[Result]:
    """[step(item, *shared) for item in items]. `finish(item, result)`, if given, runs in this
    process on each result computed afresh, before it is kept: the costly part runs in the
    workers, and only what differs travels back."""
    return _RUNNER.get().each(step, items, shared, per_worker, finish)


def checked_each(step: Callable[..., Result], items: Sequence[Item], *shared, problems: Problems,
                 per_worker: int = ITEMS_PER_WORKER, finish: Callable[[Item, Result], Result] | None = None
                 ) -> list[Result]:
    """[step(item, *shared, item_problems) for item in items], where each item's problems are
    gathered apart and then added to `problems`: a result kept by an earlier build brings its
    problems with it, so a cached build fails and warns like a fresh one."""
    return _RUNNER.get().checked_each(step, items, shared, problems, per_worker, finish)


def once(step: Callable[..., Result], *args, mutable: bool = False) -> Result:
    """step(*args). A `mutable` result (a caller may change it) is handed out as a fresh copy."""
    return _RUNNER.get().once(step, args, mutable)


def read_bytes(path: str | os.PathLike) -> bytes:
    """The file's bytes as this build reads them: each file once, so a step's key and its work
    see the same bytes even if the file is saved meanwhile. Raises the OSError reading raised."""
    found = _RUNNER.get().read_bytes(os.fspath(path))
    if isinstance(found, OSError):
        raise found
    return found


def read_file(path: str | os.PathLike) -> bytes | OSError:
    """The file's bytes as this build reads them, or the OSError reading raised: a value a step
    can be given as an argument, and report when it is an error."""
    return _RUNNER.get().read_bytes(os.fspath(path))


def file_bytes(path: str | os.PathLike) -> bytes:
    """The file's bytes as a step's argument; an unreadable file gets bytes that differ from any
    content, and the step reports it when it reads the file itself."""
    found = _RUNNER.get().read_bytes(os.fspath(path))
    return f"\0unreadable: {found}".encode() if isinstance(found, OSError) else found


class Plain:
    """Everything computed, in order, in this process; files read as asked."""

    def each(self, step, items, shared, per_worker, finish):
        return [finish(item, step(item, *shared)) if finish else step(item, *shared) for item in items]

    def checked_each(self, step, items, shared, problems, per_worker, finish):
        results = []
        for item in items:
            result = step(item, *shared, problems)
            results.append(finish(item, result) if finish else result)
        return results

    def once(self, step, args, mutable):
        return step(*args)

    def read_bytes(self, path: str) -> bytes | OSError:
        try:
            with open(path, "rb") as file:
                return file.read()
        except OSError as error:
            return error


_RUNNER: ContextVar[Runner] = ContextVar("cupsite_step_runner", default=Plain())  # noqa: B039 - it keeps no state


@contextmanager
def running_with(runner: Runner) -> Iterator[None]:
    """Let the stages' steps run through `runner` until the block ends (the orchestrator's)."""
    token = _RUNNER.set(runner)
    try:
        yield
    finally:
        _RUNNER.reset(token)
