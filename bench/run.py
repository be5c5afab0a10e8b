"""cupsite's benchmark: builds generated sites with cupsite, Pelican and Hugo on this machine and
prints one table of medians and ratios, all measured in the same run.

    .venv/bin/python bench/run.py            # the full run: 5 rounds of every size, the archive, the peers
    .venv/bin/python bench/run.py --quick    # smaller corpora, one run each (--runs N for more), a first look

Corpora are generated (deterministically) into bench/.corpus/, the peers are installed into
bench/.peers/. Each build runs as its own process: wall time and that process's peak memory
(resident set) are recorded; the median of the runs is reported.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import peers  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS_DIR = HERE / ".corpus"
PEERS_VENV = HERE / ".peers"
CUPSITE = [sys.executable, "-c", "from cupsite.cli import main; main()", "build"]


@dataclass
class Measure:
    label: str
    tool: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    rounds: int = 0  # the measures of one call of `interleaved` share it: their runs were taken in turn

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def timed(argv: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Run a build; return (wall seconds, peak resident MB of the process)."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a full pipe would stall the build
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors,
                                   env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(argv[-3:])} failed in {cwd}:\n{errors.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def measure(label: str, tool: str, runs: int, build, before=lambda: None) -> Measure:
    return interleaved([Job(label, tool, build, before)], runs)[0]


def clean(site: Path) -> None:
    """No output, no spare output, no cache: a first build."""
    for leftover in ("output", ".output.spare", ".cupsite-cache"):
        shutil.rmtree(site / leftover, ignore_errors=True)


def edit_story(site: Path, number: int) -> None:
    story = sorted((site / "content" / "articles").glob(f"*-story-{number}.md"))[0]
    story.write_text(story.read_text(encoding="utf-8") + f"\nEdited at {time.time_ns()}.\n", encoding="utf-8")


def edit_result(site: Path) -> None:
    path = sorted((site / "content" / "results").rglob("race-1.yaml"))[-1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('best: "1:2', 'best: "1:1', 1) if 'best: "1:2' in text
                    else text.replace('best: "1:1', 'best: "1:2', 1), encoding="utf-8")


def cupsite_scenarios(site: Path, label: str, runs: int, with_results: bool = False,
                      with_clean: bool = True) -> list[Measure]:
    build = lambda: timed(CUPSITE, site)  # noqa: E731
    measures = [measure(f"{label}: clean build", "cupsite", runs, build, lambda: clean(site))] if with_clean else []
    build()  # leaves a warm cache and an output folder
    measures.append(measure(f"{label}: no-change rebuild", "cupsite", runs, build))
    measures.append(measure(f"{label}: one story edited", "cupsite", runs, build, lambda: edit_story(site, 7)))
    if with_results:
        measures.append(measure(f"{label}: one result file edited", "cupsite", runs, build, lambda: edit_result(site)))
    return measures


@dataclass
class Job:
    label: str
    tool: str
    build: object  # () -> (seconds, peak MB)
    before: object = lambda: None


def interleaved(jobs: list[Job], runs: int) -> list[Measure]:
    """The clean builds that are compared with one another (cupsite at each size, Pelican and
    Hugo), taken in rounds, one run of each job per round. This machine's speed drifts by up to
    a half over minutes; run one after another, the three runs of one tool could all fall in a
    slow spell and the next tool's in a fast one, and their ratio would measure the spells."""
    rounds = next(_rounds)
    measures = [Measure(job.label, job.tool, rounds=rounds) for job in jobs]
    for _ in range(runs):
        for job, result in zip(jobs, measures, strict=True):
            job.before()
            seconds, peak = job.build()
            result.seconds.append(seconds)
            result.peak_mb.append(peak)
    for result in measures:
        print(f"  {result.label:<44} {result.tool:<22} {result.median:8.2f} s  {max(result.peak_mb):7.0f} MB",
              flush=True)
    return measures


_rounds = itertools.count(1)


def ratio(measure: Measure, other: Measure) -> float:
    """How many times `other`'s time `measure` takes: the median of the ratios of the runs taken
    in the same round when both were measured in turn, else the ratio of their medians."""
    if measure.rounds == other.rounds and len(measure.seconds) == len(other.seconds):
        return statistics.median(ours / theirs for ours, theirs in zip(measure.seconds, other.seconds, strict=True))
    return measure.median / other.median


def peer_projects(site: Path) -> dict[str, Path]:
    projects = {}
    for peer, maker in (("pelican", peers.make_pelican_site), ("hugo", peers.make_hugo_site)):
        project = CORPUS_DIR / f"{site.name}-{peer}"
        if not project.exists():
            maker(site / "content" / "articles", project)
        projects[peer] = project
    return projects


def peer_jobs(site: Path, label: str, only: tuple[str, ...] = peers.PEERS) -> list[Job]:
    return [Job(f"{label}: clean build", peer, partial(timed, peers.build_command(peer, project, PEERS_VENV), project),
                partial(shutil.rmtree, project / "output", ignore_errors=True))
            for peer, project in peer_projects(site).items() if peer in only]


def peer_rebuilds(site: Path, label: str, runs: int) -> list[Measure]:
    return [measure(f"{label}: no-change rebuild", peer, runs,
                    partial(timed, peers.build_command(peer, project, PEERS_VENV), project))
            for peer, project in peer_projects(site).items()]


def news(stories: int, search: bool = False) -> Path:
    site = CORPUS_DIR / f"news-{stories}{'-search' if search else ''}"
    if not site.exists():
        corpus.news_site(site, stories)
        if search:
            config = site / "cupsite.toml"
            config.write_text(config.read_text(encoding="utf-8").replace("search = false", "search = true"),
                              encoding="utf-8")
    return site


def compile_cupsite() -> None:
    """Compile cupsite's modules to bytecode, as `pip install cupsite` does when it installs the
    package, and its theme's templates, as its first build does. The checkout is installed
    editable, and where PYTHONDONTWRITEBYTECODE is set (as on the CI machines) every build would
    otherwise compile every module and template again: 0.1 s and 0.2-0.3 s of each run, which a
    user's installation pays once."""
    import compileall

    import cupsite
    from cupsite.engine.templates import compile_theme

    compileall.compile_dir(Path(cupsite.__file__).parent, quiet=1)
    compile_theme()


def main() -> None:
    parser = argparse.ArgumentParser(description="cupsite's benchmark (see bench/README.md)")
    parser.add_argument("--quick", action="store_true", help="small corpora, one run each")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs (rounds) of each scenario, whose median is reported [default: 5, or 1 with --quick]")
    parser.add_argument("--no-peers", action="store_true", help="skip Pelican and Hugo")
    parser.add_argument("--no-archive", action="store_true", help="skip the 20-season archive")
    options = parser.parse_args()
    runs = options.runs if options.runs is not None else 1 if options.quick else 5
    sizes = (250, 500) if options.quick else (1000, 2000, 4000, 8000)
    # growth is the cost per story added between sizes; fixed costs cancel out
    growth_steps = ((250, 500),) if options.quick else ((1000, 4000), (4000, 8000))
    compared = sizes[1]
    CORPUS_DIR.mkdir(exist_ok=True)
    compile_cupsite()
    if not options.no_peers:
        peers.ensure_peers(PEERS_VENV)
    print(f"cupsite benchmark: {os.cpu_count()} cores, median of {runs} run(s)\n")
    sites = {stories: news(stories) for stories in sizes}
    searched = news(compared, search=True)
    jobs = [Job(f"news {stories}: clean build", "cupsite", partial(timed, CUPSITE, site), partial(clean, site))
            for stories, site in sites.items()]
    jobs.append(Job(f"news {compared}: clean build, with search index", "cupsite", partial(timed, CUPSITE, searched),
                    partial(clean, searched)))
    if not options.no_peers:
        jobs += peer_jobs(sites[compared], f"news {compared}")
        # Hugo at every size too, for the growth per story measured the same way for both
        jobs += [job for stories, site in sites.items() if stories != compared
                 for job in peer_jobs(site, f"news {stories}", only=("hugo",))]
    results = interleaved(jobs, runs)
    results += cupsite_scenarios(sites[compared], f"news {compared}", runs, with_clean=False)
    if not options.no_peers:
        results += peer_rebuilds(sites[compared], f"news {compared}", runs)
    if not options.no_archive:
        archive = CORPUS_DIR / ("archive-quick" if options.quick else "archive")
        if not archive.exists():
            if options.quick:
                corpus.archive_site(archive, seasons=3, stories=500, drivers=120, teams=12)
            else:
                corpus.archive_site(archive)
        results += cupsite_scenarios(archive, "archive", runs, with_results=True)
    print()
    print(report(results, growth_steps, compared))


def report(results: list[Measure], growth_steps, compared: int) -> str:
    by = {(m.label, m.tool): m for m in results}
    lines = ["| scenario | tool | median s | peak MB | vs Hugo | vs Pelican |", "|---|---|---:|---:|---:|---:|"]
    hugo = by.get((f"news {compared}: clean build", "hugo"))
    pelican = by.get((f"news {compared}: clean build", "pelican"))
    for m in results:
        versus_hugo = f"{ratio(m, hugo):.2f}x" if hugo and m.label.startswith(f"news {compared}:") else ""
        faster = f"{ratio(pelican, m):.1f}x faster" if pelican and m.label.startswith(f"news {compared}:") \
            and m.tool != "pelican" else ""
        lines.append(f"| {m.label} | {m.tool} | {m.median:.2f} | {max(m.peak_mb):.0f} | {versus_hugo} | {faster} |")
    lines += growth_lines(by, growth_steps)
    return "\n".join(lines)


def marginal_ms_per_story(by: dict, tool: str, smaller: int, larger: int) -> float | None:
    """What each story between two sizes adds to a clean build, in ms: the difference of the two
    medians over the difference of the sizes. What a build costs whatever its size (starting the
    program, the theme, the index pages) cancels out, so this is the growth alone."""
    low, high = by.get((f"news {smaller}: clean build", tool)), by.get((f"news {larger}: clean build", tool))
    if low is None or high is None:
        return None
    return (high.median - low.median) / (larger - smaller) * 1000


def growth_lines(by: dict, steps) -> list[str]:
    lines = []
    for smaller, larger in steps:
        ours = marginal_ms_per_story(by, "cupsite", smaller, larger)
        hugo = marginal_ms_per_story(by, "hugo", smaller, larger)
        if ours is None:
            continue
        line = f"Growth {smaller:,} -> {larger:,} stories, ms per story added: cupsite {ours:.2f}"
        if hugo is not None:
            line += f", Hugo {hugo:.2f}" + (f" ({ours / hugo:.1f}x Hugo's)" if hugo > 0 else "")
        lines.append(line)
    return [""] + lines if lines else []


if __name__ == "__main__":
    main()
