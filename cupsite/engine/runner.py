"""The engine's side of cupsite/steps.py: runs the stages' steps, taking what it can from the build
cache and sharing the rest among the cores.

A result's key is derived here, and only here, from what the step is given: the step's module
and name, and a digest of its arguments. A step cannot be a lambda or an inner function (what it
closes over would be read without being part of the key), and a file's bytes reach a step as an
argument. With `verify`, every result taken from the cache is computed again and compared: what
tests/test_step_keys.py uses to catch a step that reads more than its key."""

from __future__ import annotations

import functools
import pickle
import sys
from collections.abc import Callable, Sequence

from ..errors import Problems
from ..steps import Plain, running_with
from . import cachedata
from .cache import BuildCache
from .files import FileReader
from .fingerprints import Fingerprints, digest
from .parallel import map_in_parallel


class StepKeyError(AssertionError):
    """A step whose cached result differs from a fresh one: it reads something its key leaves out."""


class CachingRunner:
    """Runs steps for one build with `cache` (or none: everything computed, still across cores)."""

    def __init__(self, cache: BuildCache | None, verify: bool = False) -> None:
        self.cache = cache
        self.verify = verify
        self.files = FileReader(cache)

    def each(self, step: Callable, items: Sequence, shared: tuple, per_worker: int, finish: Callable | None) -> list:
        return self._each(step_name(step), step, items, shared, per_worker, finish)

    def _each(self, namespace: str, step: Callable, items: Sequence, shared: tuple, per_worker: int,
              finish: Callable | None) -> list:
        cache = self.cache
        keys = self._keys(items, shared) if cache is not None else [None] * len(items)
        results = [cache.get(namespace, key) if key is not None else None for key in keys]
        missing = [number for number, result in enumerate(results) if result is None]
        computed = map_in_parallel(functools.partial(_call, step, shared), [items[n] for n in missing],
                                   per_worker=per_worker, shared_out=self._in_workers)
        for number, result in zip(missing, computed, strict=True):
            results[number] = result = finish(items[number], result) if finish is not None else result
            if keys[number] is not None:
                cache.put(namespace, keys[number], result)
        if cache is not None:
            if self.verify:
                self._compare(namespace, step, items, shared, finish, results, set(missing))
            for key, result in zip(keys, results, strict=True):
                if key is not None:
                    cache.fingerprints.name_by_key(namespace, key, result)
        return results

    def checked_each(self, step: Callable, items: Sequence, shared: tuple, problems: Problems, per_worker: int,
                     finish: Callable | None) -> list:
        finish_outcome = None if finish is None else functools.partial(_finish_outcome, finish)
        outcomes = self._each(step_name(step), _checked, items, (step, problems.root, *shared), per_worker,
                              finish_outcome)
        values = []
        for value, *found in outcomes:
            problems.take(found)
            values.append(value)
        return values

    def once(self, step: Callable, args: tuple, mutable: bool):
        cache = self.cache
        if cache is None:
            return step(*args)
        namespace = step_name(step)
        key = _parts_digest(cache.fingerprints, args) or _digest_or_none(cache.fingerprints, args)
        if key is None:
            return step(*args)
        stored = cache.get(namespace, key)
        if stored is None:
            value = step(*args)
            if mutable:
                try:
                    stored = cachedata.encode(value)
                except TypeError:  # a value the format does not keep (an integer past 64 bits): not cached
                    return value
            cache.put(namespace, key, stored if mutable else value)
        else:
            value = cachedata.decode(stored) if mutable else stored
            if self.verify:  # a mutable result is compared as kept: encoded
                _same(namespace, stored, cachedata.encode(step(*args)) if mutable else step(*args))
        if not mutable:
            cache.fingerprints.name_by_key(namespace, key, value)
        return value

    def read_bytes(self, path: str) -> bytes | OSError:
        return self.files.read(path)

    def _in_workers(self):
        """While work is shared out: the steps nested in it compute without the cache (what a worker
        would put in its copy never comes back), and read the files this build has read."""
        return running_with(_SharedOut(self.files))

    def _keys(self, items: Sequence, shared: tuple) -> list[bytes | None]:
        """Each item's key; None for one that cannot be digested (a value of a third party's that
        cannot be pickled): it is computed every time, never kept."""
        fingerprints = self.cache.fingerprints
        shared_digest = _parts_digest(fingerprints, shared) or _digest_or_none(fingerprints, shared)
        if shared_digest is None:
            return [None] * len(items)
        keys = []
        for item in items:
            key = _parts_digest(fingerprints, item, shared_digest) if type(item) is tuple else None
            if key is None:
                item_digest = _digest_or_none(fingerprints, item)
                key = digest(shared_digest, item_digest) if item_digest is not None else None
            keys.append(key)
        return keys

    def _compare(self, namespace, step, items, shared, finish, results, fresh: set[int]) -> None:
        for number, (item, result) in enumerate(zip(items, results, strict=True)):
            if number not in fresh:
                again = _call(step, shared, item)
                _same(namespace, result, finish(item, again) if finish is not None else again)


class _SharedOut(Plain):
    def __init__(self, files: FileReader) -> None:
        self._files = files

    def read_bytes(self, path: str) -> bytes | OSError:
        return self._files.read(path)


def _parts_digest(fingerprints: Fingerprints, item: tuple, *before: bytes) -> bytes | None:
    try:
        return fingerprints.of_parts(item, *before)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def _digest_or_none(fingerprints: Fingerprints, value) -> bytes | None:
    try:
        return fingerprints.of(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def _same(namespace: str, kept, fresh) -> None:
    if kept != fresh:  # compared as values: two equal results may still pickle apart (shared strings)
        raise StepKeyError(f"the step {namespace} gave a kept result that differs from a fresh one: "
                           "it reads something its arguments do not hold")


def _call(step: Callable, shared: tuple, item):
    return step(item, *shared)


def _checked(item, step: Callable, root, *shared) -> tuple:
    """step(item, *shared, problems) with problems of its own, returned with its value."""
    problems = Problems(root)
    value = step(item, *shared, problems)
    return (value, *problems.found())


def _finish_outcome(finish: Callable, item, outcome: tuple) -> tuple:
    return (finish(item, outcome[0]), *outcome[1:])


@functools.cache
def step_name(step: Callable) -> str:
    """The step's module and name, the namespace of its results. Only a function defined at the top
    of a module is a step: anything else could read what it closes over without it being part of
    the key."""
    module = sys.modules.get(getattr(step, "__module__", None) or "")
    name = getattr(step, "__qualname__", "")
    if module is None or "." in name or "<" in name or getattr(module, name, None) is not step \
            or getattr(step, "__closure__", None):
        raise TypeError(f"{step!r} is not a step: pass a function defined at the top of its module, "
                        "with all it reads as arguments")
    return f"{module.__name__.removeprefix('cupsite.')}.{name}"
