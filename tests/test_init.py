"""`cupsite init` and `cupsite new season`: a new site from each preset that builds and checks clean
at once, its questions, its refusals, and the CI workflow it writes, validated and run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from unittest import mock

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from cupsite import new_site
from cupsite.cli import main
from cupsite.new_site import presets

BIN = Path(sys.executable).parent  # the venv's: cupsite and check-jsonschema
MOMENT = "1772359200"  # 1 March 2026, 10:00 UTC: the season is 2026, the story dated then
PRESETS = presets()


@pytest.fixture(autouse=True)
def fixed_moment(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", MOMENT)


def cupsite(*args, input=None):
    return CliRunner().invoke(main, [str(arg) for arg in args], input=input)


def init(folder, *args, input=None):
    """`cupsite init`; answers given as `input` are typed at a terminal (CliRunner's stdin is none)."""
    if input is None:
        return cupsite("init", folder, *args)
    with mock.patch("cupsite.init_command._can_ask", return_value=True):
        return cupsite("init", folder, *args, input=input)


def build_and_check(site: Path):
    config = site / "cupsite.toml"
    built = cupsite("build", "--config", config)
    assert built.exit_code == 0, built.output
    checked = cupsite("check", "--strict", "--config", config)
    assert checked.exit_code == 0, checked.output
    problems = cupsite("check", "--format", "json", "--config", config)
    assert json.loads(problems.output) == []  # not a warning, nor anything else to read


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / "output" / path / "index.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_each_preset_gives_a_site_that_builds_and_checks_clean(tmp_path, preset):
    site = tmp_path / "my series"
    result = init(site, "--yes", "--preset", preset, "--name", "Northern Séries Cup")
    assert result.exit_code == 0, result.output
    assert "cupsite serve" in result.output
    build_and_check(site)
    event = f"northern-series-cup/2026/{PRESETS[preset].round}"
    for path in ("", "news", event, "northern-series-cup/2026/standings"):
        assert (site / "output" / path / "index.html").is_file(), path
    story = next(site.glob("content/articles/2026-03-01-*.md"))
    article = page(site, f"news/{story.stem[len('2026-03-01-'):]}")
    links = {Path(a["href"]).parent.as_posix().lstrip("./") for a in article.select("main a[href]")}
    assert event in links  # the story belongs to the round and links it
    assert any(link.startswith("drivers/") for link in links)  # and names its drivers
    assert page(site, "").title.get_text().endswith("Northern Séries Cup")


def test_the_presets_differ_as_their_series_do(tmp_path):
    """Crews in endurance, a sprint race with its own points in single-seaters, classes in the cup."""
    for preset in ("cup", "endurance", "single-seater"):
        assert init(tmp_path / preset, "--yes", "--preset", preset).exit_code == 0
    crews = yaml.safe_load(next((tmp_path / "endurance").glob("content/results/*/2026/entries.yaml")).read_text())
    assert all(2 <= len(entry["drivers"]) <= 3 for entry in crews)
    single = (tmp_path / "single-seater/cupsite.toml").read_text(encoding="utf-8")
    assert "sprint = [" in single and single.count("[[championships.classes]]") == 1
    assert (tmp_path / "cup/cupsite.toml").read_text(encoding="utf-8").count("[[championships.classes]]") == 3


def test_the_questions_ask_again_until_an_answer_is_right(tmp_path):
    site = tmp_path / "site"
    answers = "\n".join(["rally", "endurance", 'The "Long" Cup', "not a url", "https://news.example.org/gt",
                         "Mars/Olympus", "Europe/Paris"]) + "\n"
    result = init(site, input=answers)
    assert result.exit_code == 0, result.output
    assert "endurance: multi-class endurance" in result.output  # the presets are listed with what they suit
    assert "'not a url' is not the full web address" in result.output
    assert "unknown time zone 'Mars/Olympus'" in result.output
    config = (site / "cupsite.toml").read_text(encoding="utf-8")
    assert 'title = "The \\"Long\\" Cup"' in config  # quoted for TOML
    assert "America/New_York" not in config  # the preset's zone, offered, was not taken
    assert 'base_url = "https://news.example.org/gt/"' in config and 'timezone = "Europe/Paris"' in config
    build_and_check(site)
    assert page(site, "").title.get_text().endswith('The "Long" Cup')


def test_enter_takes_what_is_offered_and_the_season_can_be_chosen(tmp_path):
    site = tmp_path / "site"
    result = init(site, "--season", "2031", input="\n\n\n\n")
    assert result.exit_code == 0, result.output
    config = (site / "cupsite.toml").read_text(encoding="utf-8")
    assert 'title = "Sprint Cup"' in config and 'timezone = "America/Chicago"' in config
    assert (site / "content/results/sprint-cup/2031/season.yaml").is_file()
    build_and_check(site)


def test_without_a_terminal_init_takes_the_defaults_and_says_which(tmp_path):
    # as a script or CI runs it: nothing to answer the questions (stdin is /dev/null, not a terminal)
    done = subprocess.run([sys.executable, "-c", "from cupsite.cli import main; main()", "init", "series",
                           "--preset", "endurance", "--name", "GT Endurance"], cwd=tmp_path,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--base-url https://example.org/" in done.stderr and "--timezone" in done.stderr
    assert "--name" not in done.stderr  # given, not a default
    config = (tmp_path / "series" / "cupsite.toml").read_text(encoding="utf-8")
    assert 'title = "GT Endurance"' in config
    build_and_check(tmp_path / "series")


@pytest.mark.parametrize("args, exit_code, message", [
    (["--preset", "rally"], 2, "'rally' is not one of"),
    (["--timezone", "Mars/Olympus"], 2, "unknown time zone 'Mars/Olympus'"),
    (["--timezone", "localtime"], 2, "unknown time zone 'localtime'"),
    (["--base-url", "example.org"], 2, "'example.org' is not the full web address"),
    (["--base-url", "javascript:alert(1)"], 2, "is not the full web address"),
    (["--name", "---"], 2, "cannot name a series"),
])
def test_a_wrong_option_writes_nothing(tmp_path, args, exit_code, message):
    site = tmp_path / "site"
    result = init(site, "--yes", *args)
    assert result.exit_code == exit_code and message in result.output, result.output
    assert not site.exists()


def test_a_folder_that_holds_files_or_a_site_is_refused(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "ideas.txt").write_text("keep me", encoding="utf-8")
    result = init(notes, "--yes")
    assert result.exit_code == 1 and "is not empty (it holds ideas.txt)" in result.output
    assert [p.name for p in notes.iterdir()] == ["ideas.txt"]
    assert init(tmp_path / "site", "--yes").exit_code == 0
    again = init(tmp_path / "site", "--name", "Other")  # refused before any question is asked
    assert again.exit_code == 1 and "already holds a site" in again.output
    assert 'title = "Sprint Cup"' in (tmp_path / "site/cupsite.toml").read_text(encoding="utf-8")


def test_a_cloned_repository_is_a_folder_to_start_in(tmp_path):
    """Hidden files are allowed (a .git), and a .gitignore there gets the lines it lacks."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".gitignore").write_text("*.log\n/output/\n", encoding="utf-8")
    assert init(repo, "--yes").exit_code == 0
    ignored = (repo / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ignored[:2] == ["*.log", "/output/"] and ignored.count("/output/") == 1
    assert "/.cupsite-cache/" in ignored and ".venv/" in ignored
    other = tmp_path / "other"
    (other / ".github/workflows").mkdir(parents=True)
    (other / ".github/workflows/site.yml").write_text("name: theirs\n", encoding="utf-8")
    refused = init(other, "--yes")
    assert refused.exit_code == 1 and "site.yml already exists; nothing was written" in refused.output
    assert sorted(p.name for p in other.rglob("*")) == [".github", "site.yml", "workflows"]


def workflow_of(site: Path) -> dict:
    return yaml.safe_load((site / ".github/workflows/site.yml").read_text(encoding="utf-8"))


def check_jsonschema(path: Path):
    tool = BIN / "check-jsonschema"
    assert tool.exists(), "install the test extras: pip install -e '.[test]'"
    return subprocess.run([str(tool), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True)


def test_the_workflow_is_valid_for_github_actions(tmp_path):
    site = tmp_path / "site"
    assert init(site, "--yes").exit_code == 0
    path = site / ".github/workflows/site.yml"
    valid = check_jsonschema(path)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    workflow = workflow_of(site)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert "group" in workflow["concurrency"]
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps + workflow["jobs"]["deploy"]["steps"]]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses
    install = next(step for step in steps if step.get("name") == "Install cupsite")
    assert f'"cupsite=={version("cupsite")}"' in install["run"]
    assert workflow["jobs"]["deploy"]["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    broken = tmp_path / "broken.yml"
    del workflow["jobs"]["build"]["runs-on"]  # the schema can fail: a job with nowhere to run
    broken.write_text(yaml.safe_dump({"on": triggers, **{k: v for k, v in workflow.items() if k is not True}}),
                      encoding="utf-8")
    assert check_jsonschema(broken).returncode != 0


def test_the_workflows_install_step_takes_a_wheel_kept_in_the_repository_or_pypis_release(tmp_path):
    """cupsite may not be on PyPI: a wheel kept in wheels/ is installed instead (pip stood in for)."""
    site = tmp_path / "site"
    assert init(site, "--yes").exit_code == 0
    step = next(step for step in workflow_of(site)["jobs"]["build"]["steps"] if step.get("name") == "Install cupsite")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "pip").write_text('#!/bin/sh\necho "$@" > "$PIP_ASKED"\n', encoding="utf-8")
    (fake_bin / "pip").chmod(0o755)
    asked = tmp_path / "asked"
    environment = {**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}", "PIP_ASKED": str(asked)}

    def install() -> str:
        ran = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=site,
                             env=environment, capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0, ran.stderr
        return asked.read_text(encoding="utf-8").strip()

    assert install() == f"install cupsite=={version('cupsite')}"
    (site / "wheels").mkdir()
    (site / "wheels" / "cupsite-0.1.0-py3-none-any.whl").write_bytes(b"")
    assert install() == "install wheels/cupsite-0.1.0-py3-none-any.whl"


def test_the_workflows_build_step_builds_the_site(tmp_path, monkeypatch):
    """Its `run:` as GitHub runs it (bash -eo pipefail) in the fresh site, with this venv's cupsite."""
    site = tmp_path / "site"
    assert init(site, "--yes", "--preset", "endurance").exit_code == 0
    step = next(step for step in workflow_of(site)["jobs"]["build"]["steps"] if step.get("name") == "Build the site")
    assert "cupsite build" in step["run"]
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    ran = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=site,
                         env=environment, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    for path in ("", "endurance-series/2026/sebring", "endurance-series/2026/standings"):
        assert (site / "output" / path / "index.html").is_file()
    upload = next(step for step in workflow_of(site)["jobs"]["build"]["steps"]
                  if "upload-pages-artifact" in step.get("uses", ""))
    assert (site / upload["with"]["path"] / "index.html").is_file()  # the folder it publishes is the built one


def test_a_new_season_builds_empty_and_then_with_a_round(tmp_path):
    site = tmp_path / "site"
    assert init(site, "--yes").exit_code == 0
    config = site / "cupsite.toml"
    started = cupsite("new", "season", "sprint-cup/2027", "--config", config)
    assert started.exit_code == 0, started.output
    assert "new event" in started.output
    build_and_check(site)  # a season with no rounds and no entries yet breaks nothing
    added = cupsite("new", "event", "sprint-cup/2027", "--round", "1", "--name", "Lime Rock", "--track",
                    "Lime Rock Park", "--start", "2027-05-21", "--end", "2027-05-22", "--timezone",
                    "America/New_York", "--config", config)
    assert added.exit_code == 0, added.output
    build_and_check(site)
    calendar = page(site, "sprint-cup/2027")
    assert "Lime Rock" in calendar.select_one("main").get_text()
    assert any(a["href"].startswith("lime-rock/") for a in calendar.select("main a[href]"))


def test_a_new_season_can_start_from_an_earlier_entry_list(tmp_path):
    site = tmp_path / "site"
    assert init(site, "--yes").exit_code == 0
    config = site / "cupsite.toml"
    result = cupsite("new", "season", "2027", "--from", "2026", "--config", config)  # one championship: the year
    assert result.exit_code == 0, result.output
    entries = site / "content/results/sprint-cup/2027/entries.yaml"
    earlier = (site / "content/results/sprint-cup/2026/entries.yaml").read_text(encoding="utf-8")
    assert entries.read_text(encoding="utf-8").endswith(earlier)
    build_and_check(site)
    assert (site / "output/sprint-cup/2027/index.html").is_file()


@pytest.mark.parametrize("args, message", [
    (["sprnt-cup/2027"], "no championship 'sprnt-cup'; did you mean `sprint-cup`?"),
    (["sprint-cup/2026"], "2026/season.yaml already exists"),
    (["sprint-cup/27"], "'27' is not a season's year"),
    (["sprint-cup/2027", "--from", "2019"], "no entry list to copy"),
])
def test_a_new_season_is_refused_when_it_cannot_be_right(tmp_path, args, message):
    site = tmp_path / "site"
    assert init(site, "--yes").exit_code == 0
    before = sorted(site.rglob("*"))
    result = cupsite("new", "season", *args, "--config", site / "cupsite.toml")
    assert result.exit_code == 1 and message in result.output, result.output
    assert sorted(site.rglob("*")) == before


def test_new_event_names_the_command_that_starts_a_season(tmp_path):
    site = tmp_path / "site"
    assert init(site, "--yes").exit_code == 0
    result = cupsite("new", "event", "sprint-cup/2030", "--round", "1", "--name", "X", "--track", "Y",
                     "--start", "2030-05-01", "--end", "2030-05-02", "--timezone", "UTC",
                     "--config", site / "cupsite.toml")
    assert result.exit_code == 1 and "cupsite new season sprint-cup/2030" in result.output


def test_no_file_of_the_presets_is_hidden():
    """Package data leaves hidden files out of the wheel: a preset writes `.github` from `dot-github`."""
    folder = Path(new_site.PRESETS)
    assert [p for p in folder.rglob(".*")] == []
    assert (folder / "common/dot-github/workflows/site.yml").is_file()


def test_a_folder_the_system_will_not_write_to_is_said_plainly(tmp_path, monkeypatch):
    def full_disk(folder, files):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cupsite.init_command.write_site", full_disk)
    result = init(tmp_path / "site", "--yes")
    assert result.exit_code == 3 and "could not be written into" in result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
