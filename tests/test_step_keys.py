"""Every cached step reads only what its key is made of (issue 22).

The engine derives a step's key from the step's arguments (cupsite/engine/runner.py). A step that
read anything else (a global, a file, what a closure holds) would hand out a stale result once
that input changed. Here the demo site is built with a cache, then changed one input at a time,
and each build after a change runs with `verify_steps`: every result the cache gives is computed
again and compared with the kept one. The site such a build writes is compared with a clean build
of the same sources, which also covers the pages (keyed by their whole context and the templates)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cupsite import steps
from cupsite.build import render_site
from cupsite.config import load_config
from cupsite.engine.cache import BuildCache
from cupsite.engine.runner import CachingRunner, StepKeyError
from cupsite.publishing import Publishing

from .conftest import copy_site

ROOT = Path(__file__).resolve().parent.parent
PREVIEW = Publishing(drafts=True, future=True)
SEASON = "content/results/carrera-cup/2025"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# One change to each kind of input a step reads: story text and front matter, a profile, the
# entry list, the calendar, a hand-written classification, a per-lap export, the configuration,
# a template, a deleted file. Each is made on top of the ones before.
EDITS = [
    ("a story's text", lambda s: _replace(s / "content/articles/2025-09-19-indianapolis-race-1.md",
                                          "Vanier wins a stop-start race 1", "Vanier wins a chaotic race 1")),
    ("a story's drivers", lambda s: _replace(s / "content/articles/2025-09-19-indianapolis-race-1.md",
                                             "\ndrivers: [", "\ndrivers: [Alan Metni, ")),
    ("a driver profile", lambda s: _append(s / "content/drivers/aaron-jeansonne.md", "\nA new line of biography.\n")),
    ("an entry's team", lambda s: _replace(s / f"{SEASON}/entries.yaml",
                                           "- number: 19\n  class: PRO\n  team: Kellymoss",
                                           "- number: 19\n  class: PRO\n  team: JDX Racing")),
    ("a classification", lambda s: _replace(s / f"{SEASON}/indianapolis/race-1.yaml",
                                            'best: "1:25.832"', 'best: "1:25.799"')),
    ("a per-lap export", lambda s: _replace(s / f"{SEASON}/indianapolis/race-1.laps.csv",
                                            "6;1;2;2:07.965;", "6;1;2;2:07.865;")),
    ("the calendar", lambda s: _replace(s / f"{SEASON}/season.yaml", "Indianapolis", "Indianapolis Motor Speedway")),
    ("the configuration", lambda s: _replace(s / "cupsite.toml", 'title = "Cup Racing News"', 'title = "Cup News"')),
    ("a template", lambda s: _replace(s / "templates/base.html", "{{ site.title }}{% endblock %}",
                                      "{{ site.title }} (demo){% endblock %}")),
    ("a deleted story", lambda s: (s / "content/articles/2025-09-16-gmg-racing-feature.md").unlink()),
]


def _files(site: Path, cache: BuildCache | None, verify: bool = False) -> dict[str, bytes]:
    return render_site(load_config(site / "cupsite.toml"), PREVIEW, cache, verify_steps=verify).files


def test_every_cached_step_gives_what_a_fresh_one_would_after_each_kind_of_change(tmp_path):
    site = copy_site(ROOT, tmp_path / "demo")
    cache = BuildCache()
    _files(site, cache)
    for name, edit in EDITS:
        edit(site)
        cached = _files(site, cache, verify=True)  # raises StepKeyError at the first stale step
        clean = _files(site, None)
        assert sorted(path for path in cached.keys() | clean.keys() if cached.get(path) != clean.get(path)) == [], name
        assert cache.last_build.hits > 0, name  # the cache was used, so the comparison meant something


_LEAKED = {"value": 1}


def leaky_step(item: int) -> int:
    """A step that reads a global its arguments do not hold: what the verification must catch."""
    return item * _LEAKED["value"]


def honest_step(item: int, factor) -> int | type:
    return item * factor if isinstance(factor, int) else TypeError


def test_the_verification_catches_a_step_that_reads_outside_its_arguments():
    cache = BuildCache()
    with steps.running_with(CachingRunner(cache, verify=True)):
        assert steps.each(leaky_step, [1, 2, 3]) == [1, 2, 3]
        assert steps.each(honest_step, [1, 2, 3], 2) == [2, 4, 6]
    _LEAKED["value"] = 10
    try:
        with steps.running_with(CachingRunner(cache, verify=True)):
            assert steps.each(honest_step, [1, 2, 3], 2) == [2, 4, 6]  # its inputs are the same: a hit
            with pytest.raises(StepKeyError, match="leaky_step"):
                steps.each(leaky_step, [1, 2, 3])
        with steps.running_with(CachingRunner(cache)):  # without verification, the stale result is served
            assert steps.each(leaky_step, [1, 2, 3]) == [1, 2, 3]
    finally:
        _LEAKED["value"] = 1


def test_a_step_that_could_hide_an_input_is_refused():
    factor = 3
    with steps.running_with(CachingRunner(BuildCache())):
        with pytest.raises(TypeError, match="not a step"):
            steps.each(lambda item: item * factor, [1, 2])

        def inner(item):
            return item * factor

        with pytest.raises(TypeError, match="not a step"):
            steps.once(inner, 1)
        assert steps.once(honest_step, 2, 5) == 10


def test_an_argument_that_cannot_be_digested_is_computed_every_time_never_kept():
    """A value no key can be made of (a lambda of a third party's, say) is not an error: the step
    runs, and its result is not kept under a key that would not describe it."""
    cache = BuildCache()
    with steps.running_with(CachingRunner(cache)):
        assert steps.each(honest_step, [1, 2], lambda: None) == [TypeError, TypeError]
        assert steps.once(honest_step, 3, lambda: None) is TypeError
    assert len(cache) == 0


_IN_WORKERS = """
import os, sys, time
from cupsite import steps
from cupsite.engine import parallel
from cupsite.engine.runner import CachingRunner

def process_of(item):
    time.sleep(0.002)  # long enough for the forked worker to take its share
    return os.getpid()

def failing_in_a_worker(item, parent):
    time.sleep(0.002)
    if os.getpid() != parent:
        raise ZeroDivisionError("in a worker")
    return item

parallel.cores = lambda: 2
with steps.running_with(CachingRunner(None)):
    print(len(set(steps.each(process_of, list(range(200)), per_worker=10))))
    try:
        steps.each(failing_in_a_worker, list(range(200)), os.getpid(), per_worker=10)
    except ZeroDivisionError as error:
        print("raised:", error)
"""


def test_an_exception_in_a_worker_is_raised_in_the_build():
    """Steps may raise: a worker sends the exception back, and the build raises it. Run in a
    process of its own: cupsite does not fork from one that runs other threads, as this test
    process may by now."""
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("no fork on this system")
    import subprocess

    done = subprocess.run([sys.executable, "-c", _IN_WORKERS], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.stdout.splitlines() == ["2", "raised: in a worker"], done.stderr  # 2: the work was shared out


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
