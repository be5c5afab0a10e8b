"""Sharing work among processes: results in order, every item done once, and a process that is
held up leaves the rest of the work to the others."""

import os
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cupsite.engine import parallel


@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=1, max_value=64))
def test_the_runs_of_items_cover_each_item_once_in_order(length, workers):
    runs = parallel._parts(length, workers)
    assert [index for start, stop in runs for index in range(start, stop)] == list(range(length))
    assert all(stop > start for start, stop in runs)
    assert len(runs) <= workers * parallel.PARTS_PER_WORKER


def _forking_is_possible():
    if threading.active_count() > 1:
        pytest.skip("another thread runs in this test process, so cupsite would not fork here")


@pytest.mark.parametrize("length", [96, 97, 1001])
def test_results_come_back_in_the_order_of_the_items(length):
    _forking_is_possible()
    def work(n):
        time.sleep(0.001)  # long enough that the forked process gets runs to do before this one is done
        return n * n, os.getpid()

    results = parallel.map_in_parallel(work, list(range(length)), workers=2)
    assert [square for square, _ in results] == [n * n for n in range(length)]
    assert len({pid for _, pid in results}) == 2  # the work really was shared with another process


def test_a_process_held_up_leaves_the_remaining_work_to_the_others():
    _forking_is_possible()

    def work(n):
        if n == 0:
            time.sleep(1)  # the process that takes the first run is held up
        return os.getpid()

    pids = parallel.map_in_parallel(work, list(range(320)), workers=2)
    held_up = pids[0]
    start, stop = parallel._parts(320, 2)[0]
    # With a fixed half each, the held-up process would do 160 items; here it does its first
    # run while the other does the rest.
    assert pids.count(held_up) == stop - start < 160


def test_an_interrupt_in_this_process_leaves_no_worker_behind(monkeypatch):
    _forking_is_possible()
    parent = os.getpid()
    forked = []
    fork_worker = parallel._fork_worker

    def recorded(*args):
        pid, results = fork_worker(*args)
        forked.append(pid)
        return pid, results

    monkeypatch.setattr(parallel, "_fork_worker", recorded)

    def work(n):
        time.sleep(0.002)
        if os.getpid() == parent and n > 100:
            raise KeyboardInterrupt  # as when the writer presses Ctrl-C during a build
        return n

    with pytest.raises(KeyboardInterrupt):
        parallel.map_in_parallel(work, list(range(400)), workers=2)
    assert forked
    for pid in forked:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # the worker was ended and reaped


def test_work_alongside_is_done_here_while_the_workers_get_going():
    _forking_is_possible()
    here, done = os.getpid(), []

    def work(n):
        time.sleep(0.001)
        return os.getpid()

    def alongside_work():
        time.sleep(0.3)  # the workers are not waiting for this
        done.append(os.getpid())

    with parallel.alongside(alongside_work):
        pids = parallel.map_in_parallel(work, list(range(400)), workers=2)
        assert done == [here]  # done by the time the shared-out work is
    assert pids.count(here) < 200  # while this process was busy, the worker took more than half


def test_work_alongside_is_done_at_the_end_when_nothing_is_shared_out():
    done = []
    with parallel.alongside(lambda: done.append("done")):
        parallel.map_in_parallel(lambda n: n, list(range(10)), workers=2)  # too few to share
        assert done == []
    assert done == ["done"]
    with pytest.raises(ValueError), parallel.alongside(lambda: done.append("again")):
        raise ValueError  # a failed block: its work alongside is not wanted
    assert done == ["done"]
    assert parallel._alongside == []
