"""The preview's server: a small web application over the output folder, livereload's server
restricted to this machine's own names, and the watcher that tells it of changes."""

from __future__ import annotations

import errno
import html
import mimetypes
import threading
from pathlib import Path

import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptContainer
from livereload.watcher import Watcher
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from .errors import ContentError
from .words import counted

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
        return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{counted(count, 'problem')}"
                f" in the content</title><style>body{{font-family:system-ui,sans-serif;"
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
