"""`cupsite serve`: rebuild on every change, reusing all the last builds computed, and serve the
last good build, or, while the content has problems, a page that lists them (file, line,
message), so the writer sees the mistake where they look."""

from __future__ import annotations

import html
import mimetypes
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import watchfiles
from livereload.watcher import Watcher

from .build import render_site
from .cache import BuildCache
from .config import load_config
from .errors import ContentError, ContentErrors
from .publishing import Publishing
from .write import check_output_dir, index_for_search, update_site, write_site


@dataclass(frozen=True)
class Rebuilt:
    seconds: float
    pages: int = 0
    written: tuple[str, ...] = ()
    problems: tuple[ContentError, ...] = ()
    warnings: tuple[ContentError, ...] = ()


class Preview:
    """The preview's builder. The first build writes the whole site; later ones take every
    unchanged page from the cache and write only the files that changed. The search index is
    refreshed in the background, so it never holds the reload back."""

    def __init__(self, config_path: Path, output: Path):
        self.config_path = config_path
        self.output = output
        self.app = PreviewApp(output)
        self.cache = BuildCache(resident=True)
        self._files: dict[str, bytes] | None = None
        self._search = _SearchIndexer(output)

    def rebuild(self) -> Rebuilt:
        started = time.perf_counter()
        try:
            config = load_config(self.config_path)
            output = check_output_dir(self.output, config)
            rendered = render_site(config, Publishing(drafts=True, future=True), self.cache)
            if self._files is None:
                write_site(rendered.files, output, config)
                written = tuple(rendered.files)
            else:
                written = tuple(update_site(rendered.files, output, config, self._files))
                if config.search and any(path.endswith(".html") for path in written):
                    self._search.refresh()
        except ContentErrors as failure:
            self.app.problems = list(failure.errors)  # shown in the browser until the next good build
            return Rebuilt(time.perf_counter() - started, problems=tuple(failure.errors),
                           warnings=tuple(failure.warnings))
        self._files = rendered.files
        self.app.problems = []
        return Rebuilt(time.perf_counter() - started, len(rendered.pages), written, (), rendered.site.warnings)


class _SearchIndexer:
    """Runs Pagefind over the preview after changes, one run at a time; changes made while it runs
    are indexed by the next run. It waits for a quiet moment, so it does not compete with the
    browser reloading the page."""

    QUIET_SECONDS = 1.5

    def __init__(self, output: Path):
        self._output = output
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None

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
            try:
                index_for_search(self._output)
            except ContentErrors:  # the build reports Pagefind's problems; the preview keeps going
                pass


class ChangeWatcher(Watcher):
    """livereload's watcher, told of changes by the operating system (watchfiles) instead of
    polling every 0.8 s; it rebuilds, then asks the open pages to reload."""

    def __init__(self, folders: list[Path], config_path: Path, on_change):
        super().__init__()
        self._folders = [str(folder) for folder in folders if folder.is_dir()]
        self._config_path = config_path.resolve()
        self._on_change = on_change
        self.stop = threading.Event()

    def start(self, callback) -> bool:  # livereload's polling callback is not needed
        from tornado.ioloop import IOLoop

        loop = IOLoop.current()
        report = lambda changes: loop.add_callback(self._on_change, sorted({path for _, path in changes}))  # noqa: E731
        if self._folders:
            self._thread(lambda: watchfiles.watch(*self._folders, step=20, stop_event=self.stop), report)
        # the configuration is watched through its folder: editors replace a file when they save it
        config = self._config_path
        self._thread(lambda: watchfiles.watch(config.parent, recursive=False, step=20, stop_event=self.stop,
                                              watch_filter=lambda _, path: Path(path) == config), report)
        return True

    @staticmethod
    def _thread(changes, report) -> None:
        def run():
            for batch in changes():
                report(batch)
        threading.Thread(target=run, daemon=True).start()


class PreviewApp:
    """A small WSGI application over the output folder (livereload adds its script to pages)."""

    def __init__(self, output: Path):
        self.output = Path(output).resolve()
        self.problems: list[ContentError] = []

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if self.problems and (path.endswith("/") or path.endswith(".html")):
            return self._respond(start_response, "200 OK", "text/html; charset=utf-8", self.error_page())
        target = self._file(path)
        if target is None:
            missing = self.output / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"Not found"
            return self._respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
            kind += "; charset=utf-8"
        return self._respond(start_response, "200 OK", kind, target.read_bytes())

    def _file(self, path: str) -> Path | None:
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        target = (self.output / relative).resolve()
        if self.output not in target.parents or not target.is_file():  # nothing outside the output
            return None
        return target

    @staticmethod
    def _respond(start_response, status: str, kind: str, body: bytes):
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]

    def error_page(self) -> bytes:
        items = "".join(
            f"<li><code>{html.escape(p.path)}{':' + str(p.line) if p.line else ''}</code> "
            f"<strong>{html.escape(p.message)}</strong>"
            f"{'<br><small>' + html.escape(p.hint) + '</small>' if p.hint else ''}</li>"
            for p in self.problems)
        count = len(self.problems)
        return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{count} problem"
                f"{'s' if count != 1 else ''} in the content</title><style>body{{font-family:system-ui,sans-serif;"
                f"margin:2rem;line-height:1.5}}li{{margin:.5rem 0}}code{{background:#f1f1f1;padding:0 .25rem}}"
                f"</style></head><body><h1>The site cannot be built</h1><p>Fix {'these' if count != 1 else 'this'}"
                f" and save: the page reloads by itself.</p><ol>{items}</ol></body></html>").encode("utf-8")
