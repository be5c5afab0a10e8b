"""The hostile site (tests/hostile_site.py): every operator's mistake and hostile file of issue 20
at once, built in one go through the command. Every mistake is reported in the one run, with its
file; nothing is written; nothing planted in the cache runs; no traceback. Then the folders of the
user's that --output might name by mistake are each refused, and the site is left as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .hostile_site import CASES, RAN_MARKER, make_hostile_site


def cupsite(site: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from cupsite.cli import main; main()", *arguments], cwd=site,
                          capture_output=True, text=True, timeout=300)


def listing(folder: Path) -> dict[str, bytes | str]:
    found: dict[str, bytes | str] = {}
    for directory, folders, names in os.walk(folder):
        for name in folders + names:
            path = Path(directory, name)
            key = os.fsencode(path.relative_to(folder)).decode("utf-8", "replace")
            found[key] = f"-> {os.readlink(path)}" if path.is_symlink() else path.read_bytes() if path.is_file() else ""
    return found


def test_the_hostile_site_reports_every_mistake_in_one_build_and_runs_nothing(tmp_path):
    site = make_hostile_site(tmp_path / "site")
    marker = tmp_path / RAN_MARKER

    result = cupsite(site, "build")
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "bug in cupsite" not in result.stderr
    missing = {case.name: [fragment for fragment in case.reported if fragment not in result.stderr]
               for case in CASES}
    assert not {name: fragments for name, fragments in missing.items() if fragments}, result.stderr
    assert "nothing was written" in result.stderr
    assert not (site / "output").exists()
    assert not marker.exists(), "a pickle planted in .cupsite-cache/ was run"

    checked = cupsite(site, "check", "--format", "json")
    assert checked.returncode == 1
    problems = json.loads(checked.stdout)
    assert len({p["file"] for p in problems if p["severity"] == "error"}) >= len(CASES) - 3  # a few share a file
    assert not marker.exists()


def test_the_hostile_sites_own_folders_are_never_taken_as_its_output(tmp_path):
    site = make_hostile_site(tmp_path / "site")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    before = listing(tmp_path)
    for folder in (".git", "templates", "static", "content", ".cupsite-cache", "content/articles"):
        result = cupsite(site, "build", "--output", folder)
        assert result.returncode == 1, (folder, result.stderr[-2000:])
        assert "Traceback" not in result.stderr
    assert listing(tmp_path) == before
