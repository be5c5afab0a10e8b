"""`cupsite serve` is safe to leave running: its preview (drafts included) never reaches the
published site, it answers only the preview's own pages, an odd request gets a plain answer and
no traceback, and a port in use is told in a sentence."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import SITES, copy_site
from .test_serve import fetch, free_port

DRAFT_TITLE, DRAFT_TEXT = b"A draft", b"Not yet."


class Served:
    """A `cupsite serve` process; what it prints is collected as it comes, so the pipe never fills."""

    def __init__(self, site: Path, *options: str, port: int | None = None):
        self.port = port or free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from cupsite.cli import main; main()", "serve", "--port", str(self.port), *options],
            cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._printed: list[bytes] = []
        self._reader = threading.Thread(target=lambda: self._printed.extend(iter(self.process.stdout.readline, b"")),
                                        daemon=True)
        self._reader.start()

    def printed(self) -> str:
        return b"".join(self._printed).decode("utf-8", "replace")

    def preview_folder(self, timeout: float = 15.0) -> Path:
        """The folder serve says it writes the preview to."""
        deadline = time.monotonic() + timeout
        while "The preview is written to " not in (printed := self.printed()):
            assert time.monotonic() < deadline, f"serve never said where the preview is:\n{printed}"
            time.sleep(0.05)
        line = printed.split("The preview is written to ", 1)[1].splitlines()[0]
        return Path(line.split(" (removed", 1)[0].rstrip("."))

    def stop(self, signal_number: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal_number)
        try:
            return self.process.wait(timeout=15)
        finally:
            self._reader.join(timeout=5)


@contextmanager
def serving(site: Path, *options: str):
    served = Served(site, *options)
    try:
        fetch(f"http://127.0.0.1:{served.port}/")  # up, and the first build done
        yield served
    finally:
        served.stop()


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stamps_of(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def cupsite(site: Path, *arguments: str) -> None:
    done = subprocess.run([sys.executable, "-c", "from cupsite.cli import main; main()", *arguments], cwd=site,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")


def drafts_in(site: Path) -> list[str]:
    """The files of the site's folder that hold the draft story or its page, but its sources and
    the build's cache (which keeps every source file as read, drafts too, and is never published)."""
    found = []
    for path in site.rglob("*"):
        relative = path.relative_to(site)
        if relative.parts[0] in ("content", ".cupsite-cache") or not path.is_file():
            continue
        if "draft" in relative.as_posix() or DRAFT_TITLE in (data := path.read_bytes()) or DRAFT_TEXT in data:
            found.append(relative.as_posix())
    return sorted(found)


@pytest.mark.parametrize("built_before", [False, True], ids=["new site", "site built before"])
def test_the_preview_never_reaches_the_published_site(tmp_path, built_before):
    """serve shows the draft, but writes nothing into the site's folder: not output/, which the
    next build would take as its own, drafts and all; the build that follows is a clean build."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    if built_before:
        cupsite(site, "build")
        cupsite(site, "build")  # the output's spare, which a build writes into, now exists too
    before = stamps_of(site)
    with serving(site) as served:
        assert DRAFT_TEXT.decode() in fetch(f"http://127.0.0.1:{served.port}/news/draft/index.html")
    assert stamps_of(site) == before, "serve wrote into the site's folder"
    assert drafts_in(site) == []

    cupsite(site, "build")
    cupsite(site, "build", "--no-cache", "--output", "clean")
    assert files_of(site / "output") == files_of(site / "clean")
    assert drafts_in(site) == []


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT], ids=["terminate", "Ctrl+C"])
def test_the_temporary_preview_folder_is_removed_when_serve_stops(tmp_path, signal_number):
    site = copy_site(SITES / "mini", tmp_path / "site")
    served = Served(site)
    try:
        fetch(f"http://127.0.0.1:{served.port}/")
        preview = served.preview_folder()
        assert (preview / "news/draft/index.html").is_file()
        assert not preview.is_relative_to(site)
    finally:
        status = served.stop(signal_number)
    assert status == 0, served.printed()
    assert not preview.exists() and not preview.parent.exists(), "the temporary folder was left behind"
    assert "Traceback" not in served.printed()


def test_serve_will_not_write_its_preview_into_the_builds_output(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    served = Served(site, "--output", "output")
    try:
        status = served.process.wait(timeout=30)
    finally:
        served.stop()
    assert status == 2
    assert "output/ is where `cupsite build` writes the site" in served.printed()
    assert not (site / "output").exists()


# --- what the server answers ------------------------------------------------------------------------

def exchange(port: int, request: bytes) -> bytes:
    """The server's answer to raw request bytes: its headers and the body they announce (a
    websocket once open, and a refused handshake, keep the connection open)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while not answer_complete(answer):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def answer_complete(answer: bytes) -> bool:
    head, ended, body = answer.partition(b"\r\n\r\n")
    if not ended:
        return False
    length = [line.split(b":", 1)[1] for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")]
    return len(body) >= (int(length[0]) if length else 0)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def get(path: bytes, host: str) -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n\r\n"


def websocket_handshake(host: str, origin: str, fetch_site: str | None = None) -> bytes:
    """The bytes a browser sends to open the reload socket (with Sec-Fetch-Site, as Chromium does)."""
    return (f"GET /livereload HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n"
            f"{f'Sec-Fetch-Site: {fetch_site}' + chr(13) + chr(10) if fetch_site else ''}\r\n").encode()


def test_the_reload_socket_opens_only_for_the_previews_own_pages(tmp_path):
    """A page of another site open in the same browser (another local server included) must not
    listen on the reload socket: it names each file saved, drafts included."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    with serving(site) as served:
        port = served.port
        cases = {  # (Origin, Sec-Fetch-Site) -> status
            (f"http://127.0.0.1:{port}", None): 101,
            (f"http://localhost:{port}", None): 101,
            (f"http://127.0.0.1:{port}", "same-origin"): 101,
            ("http://evil.example", None): 403,
            ("http://evil.example", "cross-site"): 403,
            (f"http://evil.example:{port}", None): 403,
            ("http://localhost:3000", None): 403,
            ("http://localhost:3000", "same-site"): 403,
            ("null", None): 403,
        }
        answered = {(origin, fetch_site): status_of(exchange(port, websocket_handshake(f"127.0.0.1:{port}", origin,
                                                                                         fetch_site)))
                    for origin, fetch_site in cases}
    assert answered == cases


def test_requests_for_another_host_are_refused(tmp_path):
    """A name of another site made to point at 127.0.0.1 (DNS rebinding) must not read the
    preview: pages, static files, the reload script and socket answer only to the preview's
    own names."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    with serving(site) as served:
        port = served.port
        paths = (b"/", b"/news/draft/index.html", b"/static/cupsite.css", b"/livereload.js")
        answers = {(path, host): status_of(exchange(port, get(path, host)))
                   for path in paths for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"evil.example:{port}",
                                                  "evil.example")}
        socket_answers = {host: status_of(exchange(port, websocket_handshake(host, f"http://{host}")))
                          for host in (f"127.0.0.1:{port}", f"evil.example:{port}")}
        refused = exchange(port, get(b"/news/draft/index.html", f"evil.example:{port}"))
    for (path, host), status in answers.items():
        assert status == (403 if host.startswith("evil") else 200), (path, host, status)
    assert socket_answers == {f"127.0.0.1:{port}": 101, f"evil.example:{port}": 403}
    assert DRAFT_TEXT not in refused


ODD_REQUESTS = {  # request path -> the statuses it may get
    b"/news/%00": {400},
    b"/news/\x00": {400},
    b"/%00/index.html": {400},
    b"/..%2f..%2fetc/passwd": {404},
    b"/%2e%2e/%2e%2e/etc/passwd": {404},
    b"/" + b"a" * 5000: {404},
    b"/" + b"a/" * 3000 + b"index.html": {404},
    b"/%ff": {400, 404},
    b"/news/%c3%28/": {400, 404},
}


def test_an_odd_request_gets_a_plain_answer_and_no_traceback(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    with serving(site) as served:
        answers = {path: exchange(served.port, get(path, f"127.0.0.1:{served.port}")) for path in ODD_REQUESTS}
        assert "Able wins" in fetch(f"http://127.0.0.1:{served.port}/")  # still serving
    for path, answer in answers.items():
        assert status_of(answer) in ODD_REQUESTS[path], (path[:40], answer[:200])
        assert b"Traceback" not in answer and b'File "' not in answer, (path[:40], answer[:2000])
    assert "Traceback" not in served.printed()


def test_a_port_in_use_is_told_in_a_sentence(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        served = Served(site, port=port)
        try:
            status = served.process.wait(timeout=30)
        finally:
            served.stop()
    printed = served.printed()
    assert status == 2, printed
    assert f"port {port} is in use: stop the other server or pass --port {port + 1}" in printed
    assert "Traceback" not in printed
    assert not (site / "output").exists()


def test_a_port_out_of_range_is_refused(tmp_path):
    """Not wrapped around to another port (70000 would serve on 4464)."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    served = Served(site, port=70000)
    try:
        status = served.process.wait(timeout=30)
    finally:
        served.stop()
    assert status == 2
    assert "70000 is not in the range 1<=x<=65535" in served.printed()
    assert "Traceback" not in served.printed()
