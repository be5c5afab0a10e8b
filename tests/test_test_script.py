"""scripts/test's choices, run in a stand-in checkout: the real scripts/test and scripts/setup with
stand-ins for `id` (root or not), apt-get, npm, chromium, java and the venv's python, on a PATH of
their own, so every branch runs in a fraction of a second without installing anything or needing
another user (a user other than root could not run scripts/setup in this root-owned checkout)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

#: the real commands scripts/test and scripts/setup use besides the stand-ins
REAL_COMMANDS = ("bash", "dirname", "grep", "tr", "cat", "mkdir", "touch")
#: what each Debian package the script may ask for puts on PATH
PACKAGE_COMMANDS = {"chromium": "chromium", "default-jre-headless": "java", "npm": "npm"}

#: the npm packages scripts/test asks for, as it names them
NODE_PACKAGES = ["vnu-jar@" + re.search(r"^VNU_VERSION=(\S+)$", (ROOT / "scripts/test").read_text(), re.M)[1],
                 "axe-core@" + re.search(r"^AXE_VERSION=(\S+)$", (ROOT / "scripts/test").read_text(), re.M)[1]]

LOGGED = 'echo "$(basename "$0") $*" >> "$FAKE_LOG"\n'
APT_GET = LOGGED + """[ "$1" = install ] || exit 0
for package in "$@"; do
  case "$package" in chromium) made=chromium ;; default-jre-headless) made=java ;; npm) made=npm ;; *) continue ;; esac
  cp "$FAKE_BIN/.npm-or-tool" "$FAKE_BIN/$made"
done
"""
NPM_OR_TOOL = LOGGED + """[ "${AS:-$(basename "$0")}" = npm ] && [ "$1" = install ] || exit 0
modules="$3/node_modules"; shift 3
for package in "$@"; do
  case "$package" in
    vnu-jar@*) mkdir -p "$modules/vnu-jar/build/dist"; touch "$modules/vnu-jar/build/dist/vnu.jar" ;;
    axe-core@*) mkdir -p "$modules/axe-core"; touch "$modules/axe-core/axe.min.js"
                echo "{\\"version\\": \\"${package#axe-core@}\\"}" > "$modules/axe-core/package.json" ;;
  esac
done
"""


def stand_in(path: Path, body: str) -> None:
    path.write_text("#!/bin/bash\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def run_test_script(tmp_path: Path, *, uid: int, tools=(), node_tools=False,
                    ci: str | None = None) -> tuple[subprocess.CompletedProcess, list[str]]:
    """scripts/test --collect-only -q in a stand-in checkout where `id -u` says `uid`, only `tools`
    (chromium, java, npm) are installed, and vnu.jar and axe-core are in .venv/node if `node_tools`;
    returns what it printed and the commands it ran."""
    checkout, bin_folder, log = tmp_path / "checkout", tmp_path / "bin", tmp_path / "commands.log"
    (checkout / "scripts").mkdir(parents=True)
    for script in ("test", "setup"):
        shutil.copy2(ROOT / "scripts" / script, checkout / "scripts" / script)
    (checkout / ".venv" / "bin").mkdir(parents=True)
    stand_in(checkout / ".venv" / "bin" / "python", LOGGED)
    bin_folder.mkdir()
    for command in REAL_COMMANDS + ("basename", "cp"):
        os.symlink(shutil.which(command), bin_folder / command)
    stand_in(bin_folder / "id", f'echo {uid}\n')
    stand_in(bin_folder / "apt-get", APT_GET)
    stand_in(bin_folder / ".npm-or-tool", NPM_OR_TOOL)
    for tool in tools:
        shutil.copy2(bin_folder / ".npm-or-tool", bin_folder / tool)
    if node_tools:
        subprocess.run([str(bin_folder / ".npm-or-tool"), "install", "--prefix", str(checkout / ".venv/node"),
                        *NODE_PACKAGES], env={"FAKE_LOG": os.devnull, "AS": "npm"}, check=True)
    env = {"PATH": str(bin_folder), "FAKE_LOG": str(log), "FAKE_BIN": str(bin_folder), "HOME": str(tmp_path)}
    if ci is not None:
        env["CI"] = ci
    finished = subprocess.run([str(checkout / "scripts" / "test"), "--collect-only", "-q"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=30)
    ran = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return finished, ran


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_without_root_it_says_first_what_it_skips_and_runs_the_rest(tmp_path, ci):
    finished, ran = run_test_script(tmp_path, uid=1000, ci=ci)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("Skipped, for want of what they need")
    for advice in ("their tests mount a test file system, which needs root",
                   "chromium is not installed; sudo apt-get install --no-install-recommends chromium fonts-dejavu-core",
                   "java is not installed; sudo apt-get install --no-install-recommends default-jre-headless",
                   "npm is not installed; sudo apt-get install --no-install-recommends npm"):
        assert advice in finished.stdout
    assert not [command for command in ran if command.startswith(("apt-get", "npm"))]
    assert ran[-1] == "python -m pytest --collect-only -q"


def test_as_root_it_installs_what_is_missing_without_recommended_packages(tmp_path):
    finished, ran = run_test_script(tmp_path, uid=0)
    assert finished.returncode == 0, finished.stderr
    installs = [command for command in ran if command.startswith("apt-get install")]
    assert installs == ["apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core "
                        "default-jre-headless npm"]
    assert [command.split()[-2:] for command in ran if command.startswith("npm install")] == [NODE_PACKAGES]
    assert "Skipped" not in finished.stdout
    assert ran[-1] == "python -m pytest --collect-only -q"


def test_as_root_with_every_tool_there_nothing_is_installed_or_skipped(tmp_path):
    finished, ran = run_test_script(tmp_path, uid=0, tools=("chromium", "java", "npm"), node_tools=True)
    assert finished.returncode == 0 and "Skipped" not in finished.stdout, finished.stdout + finished.stderr
    assert [command.split()[0] for command in ran] == ["python", "python"]  # pip install (setup), then pytest


def test_without_root_only_the_tests_that_mount_are_skipped_when_every_tool_is_there(tmp_path):
    finished, ran = run_test_script(tmp_path, uid=1000, tools=("chromium", "java", "npm"))
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.count("\n    ") == 1 and "which needs root" in finished.stdout, finished.stdout
    # npm, run by the user, still fetches the validator and axe-core into the user's own .venv
    assert [command.split()[:2] for command in ran if not command.startswith("python")] == [["npm", "install"]]


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_in_ci_a_tool_that_cannot_be_had_stops_the_run_before_any_test(tmp_path, ci):
    finished, ran = run_test_script(tmp_path, uid=1000, tools=("java", "npm"), node_tools=True, ci=ci)
    assert finished.returncode == 1
    assert "CI runs every check" in finished.stderr and "chromium is not installed" in finished.stderr
    assert "needs root" in finished.stderr and "java is not installed" not in finished.stderr
    assert not [command for command in ran if "pytest" in command]
