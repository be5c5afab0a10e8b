"""Shared fixtures: sites built once per test session into temporary folders."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cupsite.build import build
from cupsite.publishing import Publishing

ROOT = Path(__file__).resolve().parent.parent
# The moment the demo is built at (scripts/build-demo passes the same): after the 2025 finale and its
# stories, before the 2026 opener, so that the demo stays as it is told whenever it is built
DEMO_MOMENT = datetime(2025, 11, 1, 12, 0, tzinfo=ZoneInfo("America/New_York"))
SITES = Path(__file__).resolve().parent / "sites"
SHARED_DATA = ROOT.parent / "shared" / "data"


def copy_site(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(
        "output", ".venv", ".git", "tests", "bench", "cupsite", "*.egg-info", "__pycache__", ".cupsite-cache"))
    return target


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory) -> Path:
    """The small test site, built; returns its output folder."""
    output = tmp_path_factory.mktemp("mini") / "output"
    build(SITES / "mini" / "cupsite.toml", output)
    return output


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The repository's own demo site, built into a temporary folder; returns the BuildResult."""
    output = tmp_path_factory.mktemp("demo") / "output"
    return build(ROOT / "cupsite.toml", output, Publishing(now=DEMO_MOMENT))


@pytest.fixture(scope="session")
def demo_site(demo_build) -> Path:
    return demo_build.output


@pytest.fixture(scope="session")
def relay_site(tmp_path_factory) -> Path:
    """tests/sites/relay, a six-lap race of two-driver crews with its per-lap export, built."""
    output = tmp_path_factory.mktemp("relay") / "output"
    build(SITES / "relay" / "cupsite.toml", output)
    return output


ENDURANCE_LAPS = Path(__file__).resolve().parent / "fixtures" / "timing" / "endurance-laps"


@pytest.fixture(scope="session")
def lakeside_site(tmp_path_factory) -> Path:
    """The endurance per-lap fixture's site with its race filed as the export alone (cars 007 and
    7 among them), built; returns its output folder."""
    site = tmp_path_factory.mktemp("lakeside") / "site"
    shutil.copytree(ENDURANCE_LAPS / "site", site)
    race = site / "content/results/lakeside-endurance/2025/lakeside"
    race.mkdir()
    shutil.copyfile(ENDURANCE_LAPS / "race.laps.csv", race / "race.laps.csv")
    return build(site / "cupsite.toml", site.parent / "output").output

