"""`cupsite serve`: rebuild on every change, reusing all the last builds computed, and serve the
last good build, or, while the content has problems, a page that lists them (file, line,
message), so the writer sees the mistake where they look."""

from __future__ import annotations

import gc
import subprocess
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from .build import Mode, Pipeline, Prepared, index_output_for_search, resident_cache
from .config import load_config
from .errors import ContentError, ContentErrors
from .plan import Page
from .preview_server import PreviewApp
from .publishing import Publishing
from .site_files import STATIC_FOLDER


@dataclass(frozen=True)
class Rebuilt:
    seconds: float
    pages: int = 0
    written: tuple[str, ...] = ()
    problems: tuple[ContentError, ...] = ()
    warnings: tuple[ContentError, ...] = ()
    left: int = 0  # pages left for `Preview.finish`: only those open in a browser were rendered


@dataclass(frozen=True)
class _Unfinished:
    """A rebuild that has rendered and written the pages open in a browser, and not yet the rest."""

    pipeline: Pipeline
    output: Path
    prepared: Prepared  # the content as loaded too: the checks that only warn are run when the rest is rendered
    pages: list[Page]  # the rest, to render
    files: dict[str, bytes]  # the pages rendered
    previous: dict[str, bytes] | None  # the files as they stand in the output; None before the first build


class Preview:
    """The preview's builder. The first build writes the whole site; later ones take every
    unchanged page from the cache and write only the files that changed. A rebuild renders the
    pages open in a browser first, and the rest only when `finish` is called: the server does
    that just after the open pages reload, or at once when a page of the rest is asked for (as
    Hugo's server renders the pages being viewed first). The search index is refreshed in the
    background, so it never holds the reload back."""

    def __init__(self, config_path: Path, output: Path, on_finished: Callable[[Rebuilt], None] | None = None):
        self.config_path = config_path
        self._on_finished = on_finished  # told what each `finish` did, whoever called it
        self.output = output
        self.app = PreviewApp(output, before_serving=self._finish_for)
        self.cache = resident_cache()
        self._files: dict[str, bytes] | None = None
        self._unfinished: _Unfinished | None = None
        self._builds = 0
        self._search = _SearchIndexer(output)

    @property
    def unfinished(self) -> bool:
        return self._unfinished is not None

    def rebuild(self, changed: Collection[str] | None = None) -> Rebuilt:
        """Build again; `changed`, if known, lists the paths changed since the last rebuild (as the
        watcher saw them): the other content files are then taken as they were, unread."""
        self.finish()  # a rebuild left half-done is completed first: its files are the ones to compare with
        started = time.perf_counter()
        self.cache.watched_changes = frozenset(changed) if changed is not None else None
        try:
            pipeline = Pipeline(load_config(self.config_path), Mode.SERVE, self.cache,
                                Publishing(drafts=True, future=True))
            output = pipeline.output_folder(self.output)
            prepared = pipeline.prepare()
            pages = pipeline.plan(prepared)
            open_pages = self._open(pages)
            if not open_pages:  # the whole site at once
                return self._finish(_Unfinished(pipeline, output, prepared, pages, {}, self._files), started)
            files = pipeline.render(open_pages, prepared)
            written = tuple(pipeline.write_changes(files, output, self._files, complete=False))
            # The open pages are good again: they reload now, so they must not get the list of
            # problems of an earlier build (a page left that fails shows it again, in `finish`).
            self.app.problems = []
            rendered = {id(page) for page in open_pages}
            rest = [page for page in pages if id(page) not in rendered]
            self._unfinished = _Unfinished(pipeline, output, prepared, rest, files, {**self._files, **files})
            return Rebuilt(time.perf_counter() - started, len(open_pages), written, left=len(rest))
        except ContentErrors as failure:
            return self._failed(failure, started)
        finally:
            self.cache.watched_changes = None

    def finish(self) -> Rebuilt | None:
        """Render and write the pages a rebuild left (None if it left none)."""
        unfinished, self._unfinished = self._unfinished, None
        if unfinished is None:
            return None
        outcome = self._finish(unfinished, time.perf_counter())
        if self._on_finished is not None:
            self._on_finished(outcome)
        return outcome

    def _finish(self, unfinished: _Unfinished, started: float) -> Rebuilt:
        """Render the pages left, run the checks that only warn, and bring the output up to date
        (the first build writes it whole, search index included)."""
        pipeline = unfinished.pipeline
        try:
            files = {**unfinished.files, **pipeline.render(unfinished.pages, unfinished.prepared)}
            warnings = pipeline.warnings(unfinished.prepared)
            pipeline.finish()
            if unfinished.previous is None:
                pipeline.write_whole(files, unfinished.output)
                written = list(files)
            else:
                written = pipeline.write_changes(files, unfinished.output, unfinished.previous)
        except ContentErrors as failure:
            return self._failed(failure, started)
        if unfinished.previous is not None and pipeline.config.search and \
                any(path.endswith(".html") for path in (*written, *unfinished.files)):
            self._search.refresh()
        self._completed(files)
        return Rebuilt(time.perf_counter() - started, len(unfinished.pages), tuple(written), (), warnings)

    # Most of what a build leaves in memory stays there, held by the cache for the next build. So
    # it is frozen out of the cyclic collector's sight: its passes over the whole heap cost a
    # rebuild up to 0.1 s at 2,000 stories. A build leaves few cycles behind (about 30 objects);
    # every so often, between builds, the whole heap is collected.
    FULL_COLLECTION_EVERY = 25

    def _completed(self, files: dict[str, bytes]) -> None:
        self._files = files
        self.app.problems = []
        self._builds += 1
        if self._builds % self.FULL_COLLECTION_EVERY == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

    def close(self) -> None:
        """Stop what runs in the background: the search indexing."""
        self._search.stop()

    def _open(self, pages: list[Page]) -> list[Page]:
        """The templated pages a browser has open, if some are and a full build has been written."""
        if self._files is None:
            return []
        shown = {file.removesuffix("index.html") for file in self.app.recently_shown()}  # as page paths
        found = [page for page in pages if page.path in shown and page.raw is None]
        return found if len(found) < len(pages) else []

    def _finish_for(self, relative: str) -> None:
        """Before a file is sent: if it may be one of the files left, the rest is finished first.
        The open pages are written, and the static files are copied before they reload."""
        unfinished = self._unfinished
        if unfinished is not None and relative not in unfinished.files and \
                relative.partition("/")[0] != STATIC_FOLDER:
            self.finish()

    def _failed(self, failure: ContentErrors, started: float) -> Rebuilt:
        self.app.problems = list(failure.errors)  # shown in the browser until the next good build
        return Rebuilt(time.perf_counter() - started, problems=tuple(failure.errors), warnings=tuple(failure.warnings))


class _SearchIndexer:
    """Runs Pagefind over the preview after changes, one run at a time; changes made while it runs
    are indexed by the next run. It waits for a quiet moment, so it does not compete with the
    browser reloading the page."""

    QUIET_SECONDS = 1.5

    def __init__(self, output: Path):
        self._output = output
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen | None = None  # Pagefind, while it runs
        self._stopped = False

    def refresh(self) -> None:
        self._wanted.set()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            while self._wanted.wait(self.QUIET_SECONDS):  # another change came: wait for quiet again
                self._wanted.clear()
            if self._stopped:
                return
            try:
                index_output_for_search(self._output, started=self._started)
            except ContentErrors:  # the build reports Pagefind's problems; the preview keeps going
                pass
            finally:
                self._process = None

    def _started(self, process: subprocess.Popen) -> None:
        self._process = process
        if self._stopped:
            process.kill()

    def stop(self) -> None:
        """Stop indexing, and the Pagefind run under way: it must not outlive the preview and write
        into an output that is being removed."""
        self._stopped = True
        self._wanted.set()
        process = self._process
        if process is not None:
            process.kill()
            try:  # gone before the output is removed, or it would write the folder again
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
