"""How long a writer waits under `cupsite serve`: from saving a story to the reloaded page.

Copies the demo site, starts `cupsite serve` on it, opens a story in headless Chromium (Debian's
`chromium`, driven by Playwright), then saves a new title again and again and times each save to
the moment the open page shows it. Prints each time and the median.

    .venv/bin/python bench/serve_reload.py [--edits 15]
    .venv/bin/python bench/serve_reload.py --site bench/.corpus/news-2000   # a generated corpus
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
STORY = "content/articles/2025-09-19-indianapolis-race-1.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=15, help="saves timed; the median is the figure [default: 15]")
    parser.add_argument("--site", type=Path, default=ROOT, help="the site to serve (default: the demo)")
    parser.add_argument("--story", help="the story to edit, relative to the site [default: the demo's race report, "
                        "or a corpus's seventh story]")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        for part in ("content", "templates", "static", "cupsite.toml"):
            source = options.site / part
            if source.exists():
                (shutil.copytree if source.is_dir() else shutil.copy)(source, site / part)
        story = options.story or (STORY if options.site == ROOT else
                                  sorted(site.glob("content/articles/*.md"))[6].relative_to(site).as_posix())
        times = measure(site, story, options.edits, options.chromium)
    print("save to the reloaded page's first paint, ms:", " ".join(f"{t * 1000:.0f}" for t in times))
    print(f"median {statistics.median(times) * 1000:.0f} ms, best {min(times) * 1000:.0f} ms, "
          f"worst {max(times) * 1000:.0f} ms over {len(times)} saves")


def measure(site: Path, story_file: str, edits: int, chromium: str) -> list[float]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", "from cupsite.cli import main; main()", "serve", "--port",
                               str(port)], cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", Path(story_file).stem)
        url = f"http://127.0.0.1:{port}/news/{slug}/index.html"
        wait_for(url)
        story = site / story_file
        original = story.read_text(encoding="utf-8")
        title = next(line for line in original.splitlines() if line.startswith("title:"))
        times, steps = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(url)
            page.wait_for_function("window.LiveReload !== undefined && document.readyState === 'complete'")
            time.sleep(1.0)  # the reload socket connects after the page loads
            for number in range(1, edits + 1):
                marker = f"Edit {number}"
                saved_at = time.time()
                story.write_text(original.replace(title, f"title: {marker}", 1), encoding="utf-8")
                page.wait_for_function(f"document.querySelector('h1') && "
                                       f"document.querySelector('h1').textContent.includes({marker!r})",
                                       polling="raf", timeout=20_000)
                page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0",
                                       polling="raf", timeout=20_000)
                # the moment the reloaded page was first painted, on the same clock as the save
                origin, painted = page.evaluate(
                    "[performance.timeOrigin, performance.getEntriesByName('first-contentful-paint')[0].startTime]")
                times.append((origin + painted) / 1000 - saved_at)
                steps.append((origin / 1000 - saved_at, painted / 1000))
                time.sleep(2.0)  # long enough for the search index to refresh between saves
            browser.close()
        print("save to the reload's request + request to first paint, ms:",
              " ".join(f"{a * 1000:.0f}+{b * 1000:.0f}" for a, b in steps))
        return times
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


if __name__ == "__main__":
    main()
