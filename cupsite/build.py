"""The orchestrator: config → load → link → score → plan → render → write, in one of three modes.

It is the one module that joins the stages to the engine (cupsite/engine/): it runs the stages
with the engine's step runner, hands the pages to the engine's renderer and writer, and keeps the
cache and the stamps. As Zola's `Site` with its `BuildMode`, the same pipeline serves
`cupsite build` (BUILD), `cupsite check` (CHECK) and `cupsite serve` (SERVE); a mode decides only
what is checked before the pages, and where they go."""

from __future__ import annotations

import enum
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .config import SiteConfig, load_config
from .engine import stamps
from .engine.cache import BuildCache
from .engine.output import Staging, index_for_search, update_site, write_site
from .engine.output_folder import BUILT, PREVIEW, check_output_dir
from .engine.parallel import alongside
from .engine.runner import CachingRunner
from .errors import ContentError, ContentErrors, Problems
from .publishing import Publishing
from .steps import running_with

if TYPE_CHECKING:
    import subprocess

    from .link import Site
    from .model import Content
    from .plan import Page
    from .score import Tables

# The stages are imported where they run: a build that finds nothing changed never needs them,
# and importing them (Jinja, iCalendar, YAML...) is most of the time such a build takes.


class Mode(enum.Enum):
    BUILD = "build"  # every check first; the site staged and swapped into the output whole
    CHECK = "check"  # every check and every page rendered; nothing written
    SERVE = "serve"  # the checks that only warn after the pages; the output updated in place


@dataclass(frozen=True)
class Prepared:
    """What the stages before the plan made: the content as loaded (the checks that only warn read
    it), the linked site and its tables."""

    content: Content
    site: Site
    tables: Tables


class Pipeline:
    """The stages of one site in one mode, run with the engine: `prepare` (load, link, the checks,
    score), `plan`, `render`, and the output's writing for the mode."""

    def __init__(self, config: SiteConfig, mode: Mode, cache: BuildCache | None = None,
                 publishing: Publishing | None = None, verify_steps: bool = False) -> None:
        self.config = config
        self.mode = mode
        self.cache = cache
        self.publishing = publishing or Publishing()
        self.verify_steps = verify_steps  # every cached step's result computed again and compared

    def _runner(self) -> CachingRunner:
        return CachingRunner(self.cache, verify=self.verify_steps)

    def prepare(self) -> Prepared:
        """Load, link and score: every content problem is raised together as ContentErrors. In
        SERVE mode the checks that can only warn are left to `warnings`: the preview shows the
        page being written first and checks the whole site after."""
        from .lint import find_warnings
        from .related import related_stories
        from .score import score

        problems = Problems(self.config.root)
        runner = self._runner()
        with running_with(runner):
            content, site = self._loaded_and_linked(problems, runner)
            if self.mode is Mode.SERVE:
                problems.raise_if_any()
                related = related_stories(site)
            else:
                found = {}
                with alongside(lambda: found.update(related=related_stories(site))):
                    find_warnings(content, site, problems)
                problems.raise_if_any()
                related = found["related"]
            site = replace(site, related=related, warnings=tuple(problems.warnings))
            return Prepared(content, site, score(site))

    def _loaded_and_linked(self, problems: Problems, runner: CachingRunner) -> tuple[Content, Site]:
        from .link import link
        from .load import load_content
        from .site_files import site_file_problems

        content = load_content(self.config, problems)
        runner.files.forget_unread()  # a file kept from the last build and not read now is gone
        problems.items.extend(site_file_problems(self.config))
        return content, link(content, self.config, problems, self.publishing)

    def warnings(self, prepared: Prepared) -> tuple:
        """Every warning of the site: the Site's, and in SERVE mode those of the checks `prepare` left."""
        if self.mode is not Mode.SERVE:
            return tuple(prepared.site.warnings)
        from .lint import find_warnings

        problems = Problems(self.config.root)
        problems.warnings.extend(prepared.site.warnings)
        with running_with(self._runner()):
            find_warnings(prepared.content, prepared.site, problems)
        return tuple(problems.warnings)

    def plan(self, prepared: Prepared) -> list[Page]:
        """The pages to render. A path a story or a biography links to that is neither one of them
        nor a static file is an error: the site would have a broken link."""
        from .body_links import broken_path_errors
        from .plan import plan

        with running_with(self._runner()):
            pages = plan(prepared.site, prepared.tables)
        errors = broken_path_errors(prepared.site, pages)
        if errors:
            raise ContentErrors(errors, list(prepared.site.warnings))
        return pages

    def render(self, pages: list[Page], prepared: Prepared, staging: Staging | None = None) -> dict[str, bytes]:
        from .engine.pages import render_pages

        return render_pages(pages, prepared.site, prepared.tables, self.cache, staging)

    def finish(self) -> None:
        """The build is over: the cache forgets what it did not use."""
        if self.cache is not None:
            self.cache.finish_build()

    # The output, as the mode writes it.

    def output_folder(self, output: Path) -> Path:
        """The output folder, checked: a folder cupsite may replace (see engine/output_folder.py)."""
        return check_output_dir(output, self.config, PREVIEW if self.mode is Mode.SERVE else BUILT)

    def write_whole(self, files: dict[str, bytes], output: Path) -> None:
        write_site(files, output, self.config, purpose=PREVIEW if self.mode is Mode.SERVE else BUILT)

    def write_changes(self, files: dict[str, bytes], output: Path, previous: dict[str, bytes],
                      complete: bool = True) -> list[str]:
        """Bring the output up to date in place (SERVE): only the files whose bytes changed."""
        return update_site(files, output, self.config, previous, complete=complete)


def resident_cache() -> BuildCache:
    """A cache for a process that builds again and again (`cupsite serve`)."""
    return BuildCache(resident=True)


def index_output_for_search(output: Path, started: Callable[[subprocess.Popen], None] | None = None) -> int:
    return index_for_search(output, started=started)


@dataclass
class BuildProgress:
    """How far a build went, for a caller that must say truly what became of the output when the
    build stops early (interrupted, a full disk, a bug)."""

    output: Path | None = None  # the output folder, once checked
    published: bool = False  # the new site has taken the old one's place


@dataclass(frozen=True)
class BuildResult:
    output: Path
    pages: int
    files: int
    warnings: tuple
    site: Site | None = None  # None when the output was up to date and nothing was built
    tables: Tables | None = None
    cache: BuildCache | None = None  # the cache the build used, to pass to the next build of this process

    @property
    def up_to_date(self) -> bool:
        return self.site is None


def prepare(config: SiteConfig, publishing: Publishing | None = None,
            cache: BuildCache | None = None) -> tuple[Site, Tables]:
    """Load, link and score with every check: every content problem is raised together."""
    prepared = Pipeline(config, Mode.BUILD, cache, publishing).prepare()
    return prepared.site, prepared.tables


def check_site(config_path: Path, publishing: Publishing | None = None) -> tuple[list, list]:
    """Every check of a build, rendering included, without writing: (errors, warnings)."""
    try:
        pipeline = Pipeline(load_config(config_path), Mode.CHECK, publishing=publishing)
        prepared = pipeline.prepare()
        pipeline.render(pipeline.plan(prepared), prepared)
    except ContentErrors as failure:
        return failure.errors, failure.warnings
    return [], list(prepared.site.warnings)


def build(config_path: Path, output: Path | None = None, publishing: Publishing | None = None,
          cache: BuildCache | None = None, cache_dir: Path | None = None,
          progress: BuildProgress | None = None) -> BuildResult:
    """Build the site into `output`. With `cache_dir`, the cache is kept there between runs, and
    when nothing the last build read has changed, its output stands and nothing is built.
    `progress`, if given, is told when the new site is published: after that, a failure to keep
    the cache only warns (the next build does more work), it never fails the build."""
    progress = progress if progress is not None else BuildProgress()
    config = load_config(config_path)
    output = progress.output = check_output_dir(output if output is not None else config.root / "output", config)
    publishing = (publishing or Publishing()).in_zone(ZoneInfo(config.timezone))
    if publishing.now is None:  # one moment for the whole build, and for its stamp
        publishing = replace(publishing, now=publishing.moment())
    if cache_dir is not None:
        inputs = stamps.input_stamp(config, publishing)  # before reading: an edit made meanwhile rebuilds
        last = stamps.current(cache_dir, inputs, publishing, output, _installed_readers)
        if last is not None:
            return BuildResult(output, last.pages, last.files, last.warnings)
        cache = cache or BuildCache.open(cache_dir)
    pipeline = Pipeline(config, Mode.BUILD, cache, publishing)
    prepared = pipeline.prepare()
    pages = pipeline.plan(prepared)
    count, kept, staging = _published(pipeline, prepared, pages, output, cache_dir, progress)
    site = prepared.site
    if cache_dir is not None:
        kept.attempt(cache.save, cache_dir)
        kept.attempt(stamps.save, cache_dir, stamps.Stamp(
            inputs, stamps.output_stamp(output, staging.manifest), site.next_due, len(pages), count,
            tuple(site.warnings), publishing.now, _installed_readers(looked_up_only=True)),
            required=kept.failure is None)
    return BuildResult(output, len(pages), count, tuple(site.warnings) + kept.warnings(), site, prepared.tables,
                       cache)


def _installed_readers(looked_up_only: bool = False) -> tuple[str, ...]:
    """The origins of the installed timing readers (load/readers/registry.py): all of them, or
    only if this process looked them up."""
    from .load.readers import registry

    return registry.looked_up_origins() if looked_up_only else registry.installed_origins()


def _published(pipeline: Pipeline, prepared: Prepared, pages: list[Page], output: Path, cache_dir: Path | None,
               progress: BuildProgress) -> tuple[int, _CacheKeeping, Staging]:
    """Render the pages into a staging folder and swap it into place: (the files written, how the
    cache keeping went, the staging)."""
    cache = pipeline.cache
    staging = Staging(output, pipeline.config, cache_dir)
    kept = _CacheKeeping(cache_dir)
    with staging.abandoned_on_failure():
        # What the cache holds so far is written while the workers render: only page digests
        # (and what the build drops) are left to write at the end. A build that fails after this
        # leaves a cache whose entries are still true; it is the stamp that says a build finished.
        with alongside(lambda: kept.attempt(cache.save, cache_dir)) if cache_dir is not None else nullcontext():
            files = pipeline.render(pages, prepared, staging)
        try:
            count = staging.publish(files)
        finally:
            progress.published = staging.published
    kept.failure = kept.failure or staging.unsaved
    pipeline.finish()
    return count, kept, staging


class _CacheKeeping:
    """Saves the build cache without letting a cache folder that cannot be written (read-only, a
    full disk) fail a build: the site does not depend on it. The first failure is kept, to warn
    of, and no stamp is saved after one (a stamp says the cache is complete)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.failure: OSError | None = None

    def attempt(self, save, *arguments, required: bool = True) -> None:
        if not required:
            return
        try:
            save(*arguments)
        except OSError as error:
            self.failure = self.failure or error

    def warnings(self) -> tuple[ContentError, ...]:
        if self.failure is None:
            return ()
        reason = self.failure.strerror or str(self.failure)
        return (ContentError(str(self.folder), None, f"the build cache could not be saved: {reason}",
                             "the site was built and published; the next build does all its work again. "
                             "Make the folder writable, or build with --no-cache", "warning"),)


@dataclass(frozen=True)
class RenderedSite:
    site: Site
    tables: Tables
    pages: list[Page]
    files: dict[str, bytes]


def render_site(config: SiteConfig, publishing: Publishing | None = None,
                cache: BuildCache | None = None, verify_steps: bool = False) -> RenderedSite:
    """Every stage but the write: the site's files in memory. With a cache, only what changed since
    the builds that filled it is parsed and rendered again."""
    pipeline = Pipeline(config, Mode.BUILD, cache, publishing, verify_steps)
    prepared = pipeline.prepare()
    pages = pipeline.plan(prepared)
    files = pipeline.render(pages, prepared)
    pipeline.finish()
    return RenderedSite(prepared.site, prepared.tables, pages, files)
