"""Every page of the mini site, the demo and the relay site (a race page with stints) parses
without an error in the Nu Html Checker (the W3C's validator, `vnu.jar` from the npm package
vnu-jar, run on Java), whose rules for content models, attributes and heading order are stricter
than a browser's parser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .test_browser import in_ci

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / ".venv" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"  # where scripts/test puts it


def validator() -> list[str]:
    jar, java = Path(os.environ.get("VNU_JAR", VNU)), shutil.which("java")
    missing = [what for what, there in (("vnu.jar", jar.is_file()), ("java", java is not None)) if not there]
    if missing:
        reason = f"the HTML validator needs {' and '.join(missing)}: scripts/test installs them"
        if in_ci():
            pytest.fail(f"{reason}; it may not be skipped in CI", pytrace=False)
        pytest.skip(reason)
    return [java, "-jar", str(jar)]


def test_every_page_is_valid_html(mini_site, demo_site, relay_site):
    pages = [path for site in (mini_site, demo_site, relay_site) for path in site.rglob("*.html")]
    assert len(pages) > 100
    finished = subprocess.run([*validator(), "--errors-only", "--format", "json", "--skip-non-html",
                               str(mini_site), str(demo_site), str(relay_site)], capture_output=True, text=True,
                              timeout=300)
    messages = json.loads(finished.stderr)["messages"]  # vnu reports on standard error
    problems = [f"{m.get('url', '').split('/output/')[-1]}:{m.get('lastLine')}: {m.get('message')}" for m in messages]
    assert not problems, f"{len(problems)} validation errors in {len(pages)} pages:\n" + "\n".join(problems[:30])
