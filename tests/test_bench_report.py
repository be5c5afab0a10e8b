"""The benchmark's arithmetic (bench/run.py): growth is the cost of each story added between two
sizes, so what every build pays whatever its size does not count; a ratio between tools is taken
round by round, so a slow spell of the machine falls on both sides of it."""

from __future__ import annotations

import pytest

from bench.run import Measure, growth_lines, marginal_ms_per_story, ratio


def clean(stories: int, tool: str, *seconds: float, rounds: int = 1) -> tuple[tuple[str, str], Measure]:
    label = f"news {stories}: clean build"
    return (label, tool), Measure(label, tool, list(seconds), [100.0] * len(seconds), rounds=rounds)


def test_growth_is_the_time_each_added_story_costs_not_the_average():
    # 1.5 s whatever the size, then 1 ms a story: the average per story falls with size, the growth does not
    by = dict([clean(1000, "cupsite", 2.5), clean(4000, "cupsite", 5.5), clean(8000, "cupsite", 9.5)])
    assert marginal_ms_per_story(by, "cupsite", 1000, 4000) == pytest.approx(1.0)
    assert marginal_ms_per_story(by, "cupsite", 4000, 8000) == pytest.approx(1.0)


def test_growth_is_set_beside_hugos_measured_the_same_way():
    by = dict([clean(1000, "cupsite", 2.0), clean(4000, "cupsite", 5.0),
               clean(1000, "hugo", 0.4), clean(4000, "hugo", 0.7)])
    (line,) = [text for text in growth_lines(by, [(1000, 4000)]) if text]
    assert "cupsite 1.00" in line and "Hugo 0.10" in line and "10.0x" in line


def test_a_size_not_measured_gives_no_growth_line():
    by = dict([clean(1000, "cupsite", 2.0)])
    assert marginal_ms_per_story(by, "cupsite", 1000, 4000) is None
    assert growth_lines(by, [(1000, 4000)]) == []


def test_a_ratio_of_runs_taken_in_turn_is_the_median_of_each_rounds_ratio():
    # the machine slowed down in round three for both tools: round by round cupsite takes twice Hugo's time
    (_, ours), (_, hugo) = clean(2000, "cupsite", 1.0, 1.2, 4.0), clean(2000, "hugo", 0.5, 0.6, 2.0)
    assert ratio(ours, hugo) == pytest.approx(2.0)
    # the medians alone, taken in different rounds, say otherwise
    drifting = Measure("x", "hugo", [0.5, 2.0, 2.1], [1.0] * 3, rounds=2)
    assert ratio(ours, drifting) == pytest.approx(1.2 / 2.0)


def test_the_corpus_writes_no_local_time_that_the_clocks_skip():
    """cupsite refuses a story dated in the hour skipped in spring (it does not exist): the corpus of
    8,000 stories had two, and the full benchmark stopped on them."""
    from datetime import datetime

    from bench.corpus import existing

    assert existing(datetime(2017, 3, 12, 2, 15)) == datetime(2017, 3, 12, 3, 15)  # New York sprang forward
    assert existing(datetime(2017, 3, 12, 1, 15)) == datetime(2017, 3, 12, 1, 15)
    assert existing(datetime(2017, 11, 5, 1, 30)) == datetime(2017, 11, 5, 1, 30)  # twice that night, but there
