"""What `cupsite serve` serves: the last good build, or, while the content has problems, a page
that lists them (file, line, message), so the writer sees the mistake where they look."""

from __future__ import annotations

import html
import mimetypes
from pathlib import Path

from .errors import ContentError


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
