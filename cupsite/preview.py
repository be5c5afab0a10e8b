"""`cupsite serve`: rebuild on every change, reusing all the last builds computed, and serve the
last good build, or, while the content has problems, a page that lists them (file, line,
message), so the writer sees the mistake where they look."""

from __future__ import annotations

import errno
import gc
import html
import mimetypes
import subprocess
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptContainer
from livereload.watcher import Watcher
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from .build import Mode, Pipeline, Prepared, index_output_for_search, resident_cache
from .config import load_config
from .errors import ContentError, ContentErrors
from .plan import Page
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


# How long the watcher waits for more changes once one has come: a save is one or two file
# events within a millisecond (write, or write then rename), so 5 ms gathers them.
WATCH_STEP_MS = 5


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
            self._thread(lambda: watchfiles.watch(*self._folders, step=WATCH_STEP_MS, stop_event=self.stop), report)
        # the configuration is watched through its folder: editors replace a file when they save it
        config = self._config_path
        self._thread(lambda: watchfiles.watch(config.parent, recursive=False, step=WATCH_STEP_MS, stop_event=self.stop,
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

    REMEMBERED = 8  # pages, the last asked for: the ones a browser may have open

    def __init__(self, output: Path, before_serving=None):
        self.output = Path(output).resolve()
        self.problems: list[ContentError] = []
        self._before_serving = before_serving  # told each file asked for, before it is read
        self._shown: dict[str, None] = {}  # the pages asked for, the latest last

    def recently_shown(self) -> set[str]:
        return set(self._shown)

    def __call__(self, environ, start_response):
        path = self._decoded(environ.get("PATH_INFO", "/"))
        if path is None:
            return self._respond(start_response, "400 Bad Request", "text/plain; charset=utf-8", b"Bad request\n")
        if self._before_serving is not None:
            self._before_serving(self._relative(path))
        if self.problems and (path.endswith("/") or path.endswith(".html")):
            return self._respond(start_response, "200 OK", "text/html; charset=utf-8", self.error_page())
        target = self._file(path)
        if target is not None and target.suffix == ".html":
            self._remember(self._relative(path))
        if target is None:
            missing = self.output / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"Not found"
            return self._respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
            kind += "; charset=utf-8"
        return self._respond(start_response, "200 OK", kind, target.read_bytes())

    def _remember(self, relative: str) -> None:
        self._shown.pop(relative, None)
        self._shown[relative] = None
        if len(self._shown) > self.REMEMBERED:
            del self._shown[next(iter(self._shown))]

    @staticmethod
    def _decoded(path: str) -> str | None:
        """The path asked for, or None if no file can have that name: WSGI hands it over as the
        URL's bytes read as Latin-1, and file names are UTF-8 without NUL."""
        try:
            path = path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return None
        return None if "\0" in path else path

    @staticmethod
    def _relative(path: str) -> str:
        relative = path.lstrip("/")
        return relative + "index.html" if relative == "" or relative.endswith("/") else relative

    def _file(self, path: str) -> Path | None:
        try:
            target = (self.output / self._relative(path)).resolve()
            if self.output not in target.parents or not target.is_file():  # nothing outside the output
                return None
        except OSError:  # e.g. a name longer than the file system allows: no such file
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


class PortUnavailable(Exception):
    """The preview's port cannot be listened on; the message says what to do."""


# The hosts the preview answers to, each with the port; the live-reload socket accepts only pages
# of these origins (http://host:port).
OWN_HOSTS = ("127.0.0.1", "localhost", "[::1]")

# livereload's snippet (as its Server adds to every page): loads livereload.js from the server
# the page came from, which then opens the reload socket.
LIVE_SCRIPT = (b'<script type="text/javascript">(function(){var s=document.createElement("script");'
               b"var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
               b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
               b"document.head.appendChild(s);})();</script>")


class PreviewServer(Server):
    """livereload's server, answering only what is addressed to the preview itself: a page of
    another site must not listen on the reload socket (it names each file saved, drafts
    included), and a name of another site made to point at 127.0.0.1 (DNS rebinding) must not
    read the preview. It listens from the start, before the first build, so that a port in use
    is told at once; and it never sends a traceback (livereload turns Tornado's debug mode on,
    which does)."""

    def __init__(self, app, watcher: Watcher, port: int, host: str = "127.0.0.1"):
        super().__init__(app, watcher=watcher)
        self.port, self.host = port, host
        try:
            self._sockets = bind_sockets(port, host)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortUnavailable(f"port {port} is in use: stop the other server or pass "
                                      f"--port {port + 1}") from None
            raise PortUnavailable(f"cannot listen on port {port}: {error.strerror or error}") from None

    def run(self) -> None:
        """Serve until stopped (Ctrl+C, or an exception raised in the loop)."""
        self.serve(port=self.port, host=self.host, debug=False, open_url_delay=None)

    def application(self, port, host, liveport=None, debug=None, live_css=True) -> None:
        """Called by `serve`: the handlers livereload's own would have (but its /forcereload,
        which any page could call), each behind the check of the Host header."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        hosts = frozenset(f"{name}:{port}" for name in OWN_HOSTS)
        handlers = [
            (r"/livereload", _OwnOriginReloadHandler, {"origins": frozenset(f"http://{host}" for host in hosts)}),
            (r"/livereload.js", LiveReloadJSHandler),
            (r".*", web.FallbackHandler, {"fallback": LiveScriptContainer(self.app, LIVE_SCRIPT)}),
        ]
        HTTPServer(_OwnHostApplication(hosts, handlers)).add_sockets(self._sockets)


class _OwnHostApplication(web.Application):
    """Tornado's application, refusing every request whose Host header is not the preview's."""

    def __init__(self, hosts: frozenset[str], handlers: list):
        super().__init__(handlers)
        self._hosts = hosts

    def find_handler(self, request, **kwargs):
        if request.headers.get("Host", "").lower() not in self._hosts:
            return self.get_handler_delegate(request, _ForeignHostRefused)
        return super().find_handler(request, **kwargs)


class _ForeignHostRefused(web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("Forbidden: the preview answers only to 127.0.0.1 and localhost\n")


class _OwnOriginReloadHandler(LiveReloadHandler):
    """livereload's socket, opened only by the preview's own pages (livereload accepts any)."""

    def initialize(self, origins: frozenset[str]) -> None:
        self._origins = origins

    def check_origin(self, origin: str) -> bool:
        return origin.lower() in self._origins
