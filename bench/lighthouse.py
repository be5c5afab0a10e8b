"""Lighthouse scores of the built demo site: performance, accessibility, best practices and SEO,
with Lighthouse's default (mobile) settings, on the pages a reader opens most: the home page, the
newest race report, its event, the current standings and the first driver the report names.

    scripts/lighthouse                # builds the demo, serves it on 127.0.0.1, 3 runs a page
    .venv/bin/python bench/lighthouse.py --runs 5 --min 95

Lighthouse (npm, pinned by scripts/lighthouse) drives Debian's Chromium (CHROME_PATH). Scores are
the median of the runs; with --min, the exit status is 1 when a median is below it. The
performance score comes from timings (simulated slow 4G and a 4x slower CPU, as Lighthouse
does), so it is a measurement for the notes, not a test."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / ".venv" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def reader_pages(config_path: Path) -> dict[str, str]:
    """name -> site path of the five pages."""
    from cupsite import urls
    from cupsite.build import prepare
    from cupsite.config import load_config
    from cupsite.plan import current_season

    site, tables = prepare(load_config(config_path))
    report = next(a for a in site.articles if "race report" in a.tags)  # newest first
    season = current_season(site, tables)
    return {
        "home": urls.HOME,
        "race report": urls.article(report.slug),
        "event": urls.event(site.article_event[report.slug]),
        "standings": urls.standings(season.championship, season.year),
        "driver": urls.driver(site.article_drivers[report.slug][0]),
    }


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def served(folder: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def scores(url: str, chromium: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run([str(LIGHTHOUSE), url, "--quiet", f"--chrome-flags={CHROME_FLAGS}", "--output=json",
                        f"--output-path={report}", f"--only-categories={','.join(CATEGORIES)}"],
                       check=True, env={**os.environ, "CHROME_PATH": chromium}, capture_output=True)
        categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "cupsite.toml")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--min", type=int, default=0, help="fail when a median score is below this")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    arguments = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed at {LIGHTHOUSE}: run scripts/lighthouse")

    from cupsite.build import build

    pages = reader_pages(arguments.config)
    with tempfile.TemporaryDirectory() as folder:
        output = build(arguments.config, Path(folder) / "site").output
        server = served(output)
        base = f"http://127.0.0.1:{server.server_address[1]}/"  # the site's links are relative: any root will do
        rows, low = [], []
        for name, path in pages.items():
            runs = [scores(base + path, arguments.chromium) for _ in range(arguments.runs)]
            medians = {c: statistics.median_low(run[c] for run in runs) for c in CATEGORIES}
            rows.append(f"| {name} | /{path} | " + " | ".join(str(medians[c]) for c in CATEGORIES) +
                        " | " + ", ".join("/".join(str(run[c]) for run in runs) for c in CATEGORIES) + " |")
            low += [f"{name}: {c} {medians[c]}" for c in CATEGORIES if medians[c] < arguments.min]
        server.shutdown()
    print(f"Lighthouse, mobile preset, median of {arguments.runs} runs a page\n")
    print("| page | path | performance | accessibility | best practices | SEO | every run |")
    print("|---|---|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    if low:
        print(f"\nBelow {arguments.min}: " + "; ".join(low))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
