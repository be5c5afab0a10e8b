"""The hostile site: a copy of the mini site with every operator's mistake and every hostile file of
issue 20 planted at once, to be built in one go (tests/test_hostile_site.py).

    python -m tests.hostile_site /tmp/hostile      # make one, to try by hand

Each `Case` plants one mistake and names what the build must report for it; the build must report
every one of them in a single run, write nothing, run nothing planted in the cache, and never show
a traceback. The mistakes are those a tired results office makes at 11 pm on a race weekend (an
empty file, a skeleton left unfilled, a key written twice) and those an attacker plants (an alias
bomb, links out of the site, a tampered cache)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository's root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import SITES, copy_site  # noqa: E402

SEASON = "content/results/cup/2024/season.yaml"
STORY = "content/articles/2024-04-05-able-wins.md"
# what a planted pickle would create if the cache ran it
RAN_MARKER = "cache-ran-code"


@dataclass(frozen=True)
class Case:
    name: str
    plant: Callable[[Path], None]
    reported: tuple[str, ...]  # what the build's report must say for it (fragments)


def _write(relative: str, text: str) -> Callable[[Path], None]:
    def plant(site: Path) -> None:
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return plant


def _edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def plant(site: Path) -> None:
        path = site / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{relative} no longer holds {old!r}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return plant


def _link(relative: str, target: Callable[[Path], Path | str]) -> Callable[[Path], None]:
    def plant(site: Path) -> None:
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target(site))
    return plant


def _outside(site: Path, name: str, text: str) -> Path:
    """A file beside the site, out of it: what a link must never publish."""
    path = site.parent / "outside" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _raw_name(folder: str, name: bytes, data: bytes) -> Callable[[Path], None]:
    def plant(site: Path) -> None:
        with open(os.path.join(os.fsencode(site / folder), name), "wb") as file:
            file.write(data)
    return plant


def _second_season(site: Path, year: str, entries: str) -> None:
    """Another season of the mini cup (its own calendar, no classifications)."""
    folder = site / "content/results/cup" / year
    folder.mkdir(parents=True)
    season = (site / SEASON).read_text(encoding="utf-8").replace("2024", year)
    (folder / "season.yaml").write_text(season, encoding="utf-8")
    (folder / "entries.yaml").write_text(entries, encoding="utf-8")


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True))

SKELETON = "content/results/cup/2024/gamma/race-1.yaml"

CASES = [
    # results that would change the champion
    Case("an empty classification", _write("content/results/cup/2024/alpha/race-2.yaml", ""),
         ("alpha/race-2.yaml:1: error: the file is empty", "this session has no results yet")),
    Case("a classification of comments", _write("content/results/cup/2024/beta/race-1.yaml", "# after the stewards\n"),
         ("beta/race-1.yaml:1: error: the file holds only comments",)),
    Case("a classification with no rows", _write("content/results/cup/2024/alpha/qualifying.yaml", "results: []\n"),
         ("alpha/qualifying.yaml:1: error: the classification lists no cars",)),
    Case("the `new results` skeleton left unfilled", lambda site: None,  # made by `cupsite new results` first
         (f"{SKELETON}:4: error: the classification is not filled in",)),
    Case("an empty entry list", lambda site: _second_season(site, "2023", ""),
         ("content/results/cup/2023/entries.yaml:1: error: the", "list the season's cars")),
    # keys written twice: YAML keeps the last one without a word
    Case("a status written twice in a row", _edit(
        "content/results/cup/2024/alpha/race-1.yaml", '{pos: 1, car: 1, laps: 20, time: "30:10.000", best: "1:30.500"}',
        '{pos: 1, car: 1, status: dsq,\n     laps: 20, time: "30:10.000", best: "1:30.500", status: classified}'),
         ("alpha/race-1.yaml:3: error: malformed YAML: the key 'status' is written twice, at lines 2 and 3",)),
    Case("draft written twice in a story", _edit(STORY, "author: Test Writer\n",
                                                  "author: Test Writer\ndraft: true\ndraft: false\n"),
         (f"{STORY}:6: error: malformed front matter: the key 'draft' is written twice, at lines 5 and 6",)),
    # hostile YAML and values
    Case("an alias bomb", _write("content/drivers/bomb.md", "---\nname: Bomb\n" + BILLION_LAUGHS + "---\nBoom.\n"),
         ("content/drivers/bomb.md:", "stand for more than 10,000 values")),
    Case("a line break in a round's name", _edit(SEASON, "    name: Alpha\n", '    name: "Alpha\\nGP"\n'),
         (f"{SEASON}:5: error: 'name' holds a line break or a control character",)),
    Case("a season in the year 9999", lambda site: _second_season(site, "9999", "- {number: 1, class: A, driver: X}\n"),
         ("content/results/cup/9999: error: the season's year 9999 is out of range",)),
    Case("a story dated in the hour summer time skips", _edit(
        "content/articles/2024-04-06-baker-hits-back.md", "date: 2024-04-06 14:00", "date: 2024-03-31 01:15"),
         ("2024-04-06-baker-hits-back.md:3: error: 'date' is a local time that does not exist",
          "write 02:15")),
    Case("a content file name that is not UTF-8", _raw_name("content/articles", b"caf\xe9.md", b"---\ntitle: x\n---\n"),
         ("content/articles: error: the file name b'caf\\xe9.md' is not UTF-8 text",)),
    Case("a story linked in from out of the site", _link(
        "content/articles/2024-04-07-leak.md",
        lambda site: _outside(site, "leak.md", "---\ntitle: Leak\ndate: 2024-04-07\n---\nhunter2\n")),
         ("content/articles/2024-04-07-leak.md: error: a link out of the site is not read",)),
    Case("cupsite's own link scheme in a story", _edit(
        "content/articles/2024-05-10-beta-report.md", "teams: [Green Team]\n---\n",
        "teams: [Green Team]\n---\nSee [it](cupsite:site/../../../etc/passwd).\n"),
         ("error: the link 'cupsite:site/../../../etc/passwd' uses cupsite's own scheme",)),
    # the site's own files
    Case("a static file linked in from out of the site", _link(
        "static/id_rsa", lambda site: _outside(site, "id_rsa", "secret")),
         ("static/id_rsa: error: is a link out of the site",)),
    Case("a static link to nothing", _link("static/logo.svg", lambda site: "nowhere.svg"),
         ("static/logo.svg: error: is a link to nothing",)),
    Case("a static file name that is not UTF-8", _raw_name("static", b"caf\xe9.jpg", b"\xff\xd8"),
         ("static/caf?.jpg: error: the file name is not UTF-8 text",)),
    Case("an empty template override", _write("templates/article.html", ""),
         ("templates/article.html: error: the template is empty",)),
]


class _RunsCode:
    """Unpickled, it would create the marker file: what a tampered cache would do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


# Every file of .cupsite-cache/ that cupsite reads or has read: each holds a pickle that runs code.
CACHE_FILES = ("stamp.pickle", "stamp.msgpack", "outputs.pickle", "outputs.msgpack", "cache.pickle",
               "memo/article.00.pickle", "memo/article.00.msgpack", "memo/yaml.00.msgpack",
               "templates/0123456789abcdef.jinja")


def plant_tampered_cache(site: Path) -> Path:
    """Pickles that run code where the build cache is kept; returns the file they would create."""
    marker = site.parent / RAN_MARKER
    payload = pickle.dumps(_RunsCode(marker))
    for name in CACHE_FILES:
        path = site / ".cupsite-cache" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
    return marker


def make_hostile_site(target: Path) -> Path:
    """The mini site at `target` with every case planted, and a tampered cache beside it."""
    site = copy_site(SITES / "mini", target)
    started = subprocess.run([sys.executable, "-c", "from cupsite.cli import main; main()", "new", "results",
                              "2024/gamma", "race-1"], cwd=site, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr  # the skeleton, before anything else is broken
    for case in CASES:
        case.plant(site)
    plant_tampered_cache(site)
    return site


if __name__ == "__main__":
    made = make_hostile_site(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("hostile-site"))
    print(f"The hostile site is in {made}: {len(CASES)} mistakes, and a tampered cache.")
