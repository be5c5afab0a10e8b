"""The pipeline, end to end: config → load → link → score → plan → render → write."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .config import SiteConfig, load_config
from .engine import stamps
from .engine.cache import BuildCache
from .engine.output import Staging
from .engine.output_folder import check_output_dir
from .engine.parallel import alongside
from .engine.runner import CachingRunner
from .errors import ContentError, ContentErrors, Problems
from .publishing import Publishing
from .steps import running_with

if TYPE_CHECKING:
    from .link import Site
    from .model import Content
    from .plan import Page
    from .score import Tables

# The stages are imported where they run: a build that finds nothing changed never needs them,
# and importing them (Jinja, iCalendar, YAML...) is most of the time such a build takes.


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
            cache: BuildCache | None = None, verify_steps: bool = False) -> tuple[Site, Tables]:
    """Load, link and score: every content problem is raised together as ContentErrors."""
    from .lint import find_warnings
    from .related import related_stories
    from .score import score

    problems = Problems(config.root)
    runner = CachingRunner(cache, verify=verify_steps)
    with running_with(runner):
        content, site = _loaded_and_linked(config, publishing, problems, runner)
        found = {}
        with alongside(lambda: found.update(related=related_stories(site))):
            find_warnings(content, site, problems)
        problems.raise_if_any()
        site = replace(site, related=found["related"], warnings=tuple(problems.warnings))
        return site, score(site)


def prepare_unchecked(config: SiteConfig, publishing: Publishing | None = None,
                      cache: BuildCache | None = None, verify_steps: bool = False) -> tuple[Content, Site, Tables]:
    """`prepare` without the checks that can only warn (`site_warnings` runs them): the preview
    shows the page being written first and checks the whole site after. The Site holds the
    warnings found while loading and linking."""
    from .related import related_stories
    from .score import score

    problems = Problems(config.root)
    runner = CachingRunner(cache, verify=verify_steps)
    with running_with(runner):
        content, site = _loaded_and_linked(config, publishing, problems, runner)
        problems.raise_if_any()
        site = replace(site, related=related_stories(site), warnings=tuple(problems.warnings))
        return content, site, score(site)


def _loaded_and_linked(config: SiteConfig, publishing: Publishing | None, problems: Problems,
                       runner: CachingRunner) -> tuple[Content, Site]:
    from .link import link
    from .load import load_content
    from .site_files import site_file_problems

    content = load_content(config, problems)
    runner.files.forget_unread()  # a file kept from the last build and not read now is gone
    problems.items.extend(site_file_problems(config))
    return content, link(content, config, problems, publishing or Publishing())


def site_warnings(content: Content, site: Site, cache: BuildCache | None = None) -> tuple:
    """Every warning of a build of what `prepare_unchecked` gave: the Site's and the checks'."""
    from .lint import find_warnings

    problems = Problems(site.config.root)
    problems.warnings.extend(site.warnings)
    with running_with(CachingRunner(cache)):
        find_warnings(content, site, problems)
    return tuple(problems.warnings)


def check_site(config_path: Path, publishing: Publishing | None = None) -> tuple[list, list]:
    """Every check of a build, rendering included, without writing: (errors, warnings)."""
    from .engine.pages import render_pages

    try:
        config = load_config(config_path)
        site, tables = prepare(config, publishing)
        render_pages(plan_site(site, tables), site, tables)
    except ContentErrors as failure:
        return failure.errors, failure.warnings
    return [], list(site.warnings)


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
        last = stamps.current(cache_dir, inputs, publishing, output)
        if last is not None:
            return BuildResult(output, last.pages, last.files, last.warnings)
        cache = cache or BuildCache.open(cache_dir)
    from .engine.pages import render_pages

    site, tables, pages = planned(config, publishing, cache)
    staging = Staging(output, config, cache_dir)
    kept = _CacheKeeping(cache_dir)
    with staging.abandoned_on_failure():
        # What the cache holds so far is written while the workers render: only page digests
        # (and what the build drops) are left to write at the end. A build that fails after this
        # leaves a cache whose entries are still true; it is the stamp that says a build finished.
        with alongside(lambda: kept.attempt(cache.save, cache_dir)) if cache_dir is not None else nullcontext():
            files = render_pages(pages, site, tables, cache, staging)
        try:
            count = staging.publish(files)
        finally:
            progress.published = staging.published
    kept.failure = kept.failure or staging.unsaved
    if cache is not None:
        cache.finish_build()
    if cache_dir is not None:
        kept.attempt(cache.save, cache_dir)
        kept.attempt(stamps.save, cache_dir, stamps.Stamp(
            inputs, stamps.output_stamp(output, staging.manifest), site.next_due, len(pages), count,
            tuple(site.warnings), publishing.now), required=kept.failure is None)
    return BuildResult(output, len(pages), count, tuple(site.warnings) + kept.warnings(), site, tables, cache)


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


def planned(config: SiteConfig, publishing: Publishing | None, cache: BuildCache | None,
            verify_steps: bool = False) -> tuple[Site, Tables, list[Page]]:
    """Every stage before rendering: the site, its tables and the pages to render."""
    site, tables = prepare(config, publishing, cache, verify_steps)
    return site, tables, plan_site(site, tables, cache, verify_steps)


def plan_site(site: Site, tables: Tables, cache: BuildCache | None = None, verify_steps: bool = False
              ) -> list[Page]:
    """The pages to render. A path a story or a biography links to that is neither one of them nor
    a static file is an error: the site would have a broken link."""
    from .body_links import broken_path_errors
    from .plan import plan

    with running_with(CachingRunner(cache, verify_steps)):
        pages = plan(site, tables)
    errors = broken_path_errors(site, pages)
    if errors:
        raise ContentErrors(errors, list(site.warnings))
    return pages


def render_site(config: SiteConfig, publishing: Publishing | None = None,
                cache: BuildCache | None = None, verify_steps: bool = False) -> RenderedSite:
    """Every stage but the write: the site's files in memory. With a cache, only what changed since
    the builds that filled it is parsed and rendered again."""
    from .engine.pages import render_pages

    site, tables, pages = planned(config, publishing, cache, verify_steps)
    files = render_pages(pages, site, tables, cache)
    if cache is not None:
        cache.finish_build()
    return RenderedSite(site, tables, pages, files)
