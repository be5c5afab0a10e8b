"""cupsite as a user gets it: the wheel and the sdist built with `python -m build` (which builds the
wheel from the sdist, as `pip wheel` of the sdist would), the wheel installed into a fresh venv,
and a new series started and built with the installed `cupsite`, from a folder outside the checkout,
with PYTHONPATH cleared, so that nothing of the checkout can stand in for the package.

A fresh `python -m venv` plus `pip install <wheel>` rather than pipx: it is what pipx does
underneath (one venv per application, the console script on PATH), it needs nothing that is not
in Python itself, and the test can call the venv's interpreter to ask where cupsite was imported
from. pip's cache is the user's own, so after the first run the dependencies are not downloaded
again. The wheel is built and installed once per session (about 15-20 s together).

Deselect with `-m "not packaging"` when working on something else."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from cupsite import __version__

from .conftest import ROOT
from .test_browser import in_ci

pytestmark = pytest.mark.packaging

#: a fresh site's init and build together must take less than this (issue 24: "under a minute")
FIRST_SITE_SECONDS = 60
#: what a package must never carry, wherever it is: bytecode, compiled templates, a build's cache
BUILT = re.compile(r"(^|/)(__pycache__|\.cupsite-cache|output)/|\.py[cod]$|\.jinja$")
#: all the sdist holds at its top (the demo site, the tests and the benchmarks stay out)
SDIST_TOP = {"pyproject.toml", "MANIFEST.in", "README.md", "CHANGELOG.md", "PKG-INFO", "setup.cfg", "cupsite",
             "cupsite.egg-info", "docs"}


class Dists(NamedTuple):
    wheel: Path
    sdist: Path


class Venv(NamedTuple):
    """A fresh virtual environment with the wheel installed, and the environment a user's shell
    would give its commands: the venv's bin/ first on PATH, no PYTHONPATH, no user site."""

    folder: Path
    env: dict[str, str]

    def run(self, *command: str, cwd: Path) -> subprocess.CompletedProcess:
        # no standard input, as in CI: a command that asks a question fails here instead of waiting
        finished = subprocess.run(command, cwd=cwd, env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=300)
        assert finished.returncode == 0, f"{' '.join(command)} in {cwd}:\n{finished.stdout}\n{finished.stderr}"
        return finished


def user_env(bin_folder: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_folder}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONNOUSERSITE"] = "1"
    return env


@pytest.fixture(scope="session")
def dists(tmp_path_factory) -> Dists:
    """The sdist and the wheel built from it, as a release would build them."""
    try:
        import build  # noqa: F401  # the `build` package, from the test extras
    except ImportError:
        reason = "the `build` package is not installed (scripts/setup test, or pip install -e '.[test]')"
        if in_ci():
            pytest.fail(f"{reason}; the packaging tests may not be skipped in CI", pytrace=False)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("dist")
    finished = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                              cwd=out, env=user_env(Path(sys.executable).parent), capture_output=True, text=True,
                              timeout=600)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(path.name for path in out.iterdir())
    return Dists(wheels[0], sdists[0])


@pytest.fixture(scope="session")
def installed(dists, tmp_path_factory) -> Venv:
    """A fresh venv, outside the checkout, with the wheel (and its dependencies) installed."""
    folder = tmp_path_factory.mktemp("user") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=120,
                   env=user_env(Path(sys.executable).parent))
    venv = Venv(folder, user_env(folder / "bin"))
    venv.run(str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", str(dists.wheel), cwd=folder.parent)
    return venv


def start_series(venv: Venv, parent: Path) -> Path:
    """What a new user types first: `cupsite init myseries --preset endurance`, in `parent`."""
    venv.run("cupsite", "init", "myseries", "--preset", "endurance", cwd=parent)
    return parent / "myseries"


def expected_pages(site: Path) -> list[str]:
    """The pages any site must have, and each season's calendar, standings and round pages, read
    from the site's own content (whatever the preset put there)."""
    pages = ["index.html", "404.html", "news/index.html", "sitemap.xml", "feed.xml", "static/cupsite.css",
             "pagefind/pagefind.js"]
    for season_file in sorted((site / "content" / "results").glob("*/*/season.yaml")):
        season = season_file.parent.relative_to(site / "content" / "results").as_posix()
        rounds = yaml.safe_load(season_file.read_text(encoding="utf-8"))["rounds"]
        pages += [f"{season}/index.html", f"{season}/standings/index.html"]
        pages += [f"{season}/{one_round['slug']}/index.html" for one_round in rounds]
    return pages


# --- the tests ------------------------------------------------------------------------------------

def test_a_new_series_builds_from_the_installed_wheel(installed, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    started = time.monotonic()
    site = start_series(installed, home)
    shown = installed.run("cupsite", "build", cwd=site)
    elapsed = time.monotonic() - started
    assert "Traceback" not in shown.stdout + shown.stderr
    output = site / "output"
    missing = [page for page in expected_pages(site) if not (output / page).is_file()]
    assert not missing, f"not built: {missing}"
    assert list(output.glob("news/*/index.html")), "no story page"
    title = tomllib.loads((site / "cupsite.toml").read_text(encoding="utf-8"))["site"]["title"]
    assert title in (output / "index.html").read_text(encoding="utf-8")
    assert elapsed < FIRST_SITE_SECONDS, f"init and build took {elapsed:.1f} s"


def test_the_venv_runs_its_own_cupsite_not_the_checkouts(installed, tmp_path):
    assert shutil.which("cupsite", path=installed.env["PATH"]) == str(installed.folder / "bin" / "cupsite")
    shown = installed.run(str(installed.folder / "bin" / "python"), "-c",
                          "import cupsite, cupsite.config; print(cupsite.__file__); print(cupsite.config.THEME_DIR)",
                          cwd=tmp_path)
    package, theme = (Path(line) for line in shown.stdout.split())
    assert package.is_relative_to(installed.folder) and theme.is_relative_to(installed.folder), shown.stdout
    assert not package.is_relative_to(ROOT)


def test_version_is_the_installed_distributions(installed, dists, tmp_path):
    assert installed.run("cupsite", "--version", cwd=tmp_path).stdout.strip() == f"cupsite, version {__version__}"
    assert dists.wheel.name == f"cupsite-{__version__}-py3-none-any.whl"
    assert dists.sdist.name == f"cupsite-{__version__}.tar.gz"


def test_the_wheel_carries_the_package_whole_and_nothing_else(dists):
    names = set(zipfile.ZipFile(dists.wheel).namelist())
    tracked = subprocess.run(["git", "ls-files", "cupsite"], cwd=ROOT, capture_output=True, text=True, check=True)
    package_files = set(tracked.stdout.split())
    assert package_files and not package_files - names, f"left out: {sorted(package_files - names)}"
    assert {name for name in names if name.startswith("cupsite/theme/templates/")}, "no theme templates"
    # no tests, demo content, docs or benchmarks beside the package, nothing built inside it
    assert {name.split("/")[0] for name in names} == {"cupsite", f"cupsite-{__version__}.dist-info"}
    assert not [name for name in names if BUILT.search(name)]
    metadata = zipfile.ZipFile(dists.wheel).read(f"cupsite-{__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata and "\nLicense-Expression: MIT\n" in metadata


def test_the_sdist_holds_the_package_readme_and_changelog_not_the_demo(dists):
    with tarfile.open(dists.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in ("pyproject.toml", "MANIFEST.in", "README.md", "CHANGELOG.md", "PKG-INFO", "docs/formats.md",
                   "cupsite/__init__.py", "cupsite/theme/static/cupsite.css", "cupsite/theme/templates/base.html"):
        assert needed in names, needed
    top = {name.split("/")[0] for name in names}
    assert top - {"LICENSE"} <= SDIST_TOP, sorted(top - SDIST_TOP)
    assert not [name for name in names if BUILT.search(name)]


def test_the_changelog_has_an_entry_for_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M), \
        f"CHANGELOG.md has no '## [{__version__}] - YYYY-MM-DD' heading"
