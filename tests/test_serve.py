"""`cupsite serve`: the preview server builds, serves on 127.0.0.1 and rebuilds on a change."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest

from cupsite.engine.output_folder import OWNER_FILE

from .conftest import SITES, copy_site
from .test_browser import browser  # noqa: F401  (a fixture)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def wait_for_text(url: str, text: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while text not in (page := fetch(url)):
        assert time.monotonic() < deadline, f"{url} never showed {text!r}"
        time.sleep(0.1)
    return page


def rename_first_story(site) -> None:
    story = site / "content" / "articles" / "2024-04-05-able-wins.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Able wins the opener", "Able storms the opener"),
                     encoding="utf-8")


@contextmanager
def preview(site, *options: str):
    """`cupsite serve` running on the site; yields its port."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", "from cupsite.cli import main; main()", "serve", "--port",
                               str(port), *options], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield port
        assert server.poll() is None, "the server stopped"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_previews_drafts_and_rebuilds_on_change(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    with preview(site) as port:
        home = fetch(f"http://127.0.0.1:{port}/index.html")
        assert "Able wins the opener" in home
        assert "livereload" in home  # the reload script is injected
        assert "Not yet." in fetch(f"http://127.0.0.1:{port}/news/draft/index.html")  # drafts are shown
        rename_first_story(site)
        wait_for_text(f"http://127.0.0.1:{port}/index.html", "Able storms the opener")


def test_a_content_error_is_shown_in_the_browser_and_the_server_keeps_going(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    with preview(site) as port:
        assert "Able wins the opener" in fetch(f"http://127.0.0.1:{port}/")
        story = site / "content" / "articles" / "2024-04-05-able-wins.md"
        good = story.read_text(encoding="utf-8")
        story.write_text(good.replace("drivers: [Ann Able, bob-baker]", "drivers: [Ann Abel, bob-baker]"),
                         encoding="utf-8")
        page = wait_for_text(f"http://127.0.0.1:{port}/news/", "cannot be built")
        assert "content/articles/2024-04-05-able-wins.md:7" in page and "unknown driver" in page
        assert "livereload" in page  # it reloads by itself once the story is fixed
        assert fetch(f"http://127.0.0.1:{port}/static/cupsite.css")  # assets are still served
        story.write_text(good, encoding="utf-8")
        wait_for_text(f"http://127.0.0.1:{port}/", "Able wins the opener")
        assert fetch(f"http://127.0.0.1:{port}/news/")  # still serving


def test_serve_rewrites_only_the_files_a_change_affects(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    with preview(site, "--output", "preview") as port:  # kept on disk, to look at
        assert "Able wins the opener" in fetch(f"http://127.0.0.1:{port}/news/able-wins/index.html")
        output = site / "preview"
        story_page, standings = output / "news/able-wins/index.html", output / "cup/2024/standings/index.html"
        before = {path: path.stat().st_mtime_ns for path in (story_page, standings)}
        rename_first_story(site)
        wait_for_text(f"http://127.0.0.1:{port}/news/able-wins/index.html", "Able storms the opener")
        assert story_page.stat().st_mtime_ns != before[story_page]
        assert standings.stat().st_mtime_ns == before[standings]  # the table shows no story: not rewritten


def test_the_open_page_reloads_itself_when_its_story_is_saved(tmp_path, browser):  # noqa: F811
    """In Chromium, as a writer sees it: the story is open, the writer saves a new title, and the
    page shows it without anyone touching the browser."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    with preview(site) as port:
        url = f"http://127.0.0.1:{port}/news/able-wins/index.html"
        fetch(url)  # the server is up
        page = browser.new_page()
        try:
            page.goto(url)
            assert "Able wins the opener" in page.locator("h1").inner_text()
            page.wait_for_function("window.LiveReload !== undefined")
            page.wait_for_timeout(500)  # the reload socket connects just after the page loads
            rename_first_story(site)
            page.wait_for_function("document.querySelector('h1').textContent.includes('Able storms the opener')",
                                   timeout=15_000)
        finally:
            page.close()


def ask(preview, path: str) -> str:
    """What the preview's server sends for `path`, asked for as a browser would."""
    answer = {}
    body = preview.app({"PATH_INFO": path}, lambda status, headers: answer.update(status=status))
    assert answer["status"].startswith("200"), (path, answer)
    return b"".join(body).decode("utf-8")


def output_files(output) -> dict[str, bytes]:
    """The pages written (not the static files, the search index or the owner file)."""
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in output.rglob("*")
            if path.is_file() and path.relative_to(output).parts[0] not in ("static", "pagefind", OWNER_FILE)}


def clean_render(site) -> dict[str, bytes]:
    from cupsite.build import render_site
    from cupsite.config import load_config
    from cupsite.publishing import Publishing

    return render_site(load_config(site / "cupsite.toml"), Publishing(drafts=True, future=True)).files


@pytest.mark.parametrize("finished_by", ["asking for a page left", "the server, after the reload"])
def test_a_rebuild_renders_the_open_page_first_and_the_rest_after(tmp_path, finished_by):
    """The page a browser shows is written before the others are rendered; a page left is rendered
    before it is sent, and the finished output is, byte for byte, a clean build's."""
    from cupsite.preview import Preview

    site = copy_site(SITES / "mini", tmp_path / "site")
    preview = Preview(site / "cupsite.toml", site / "output")
    assert preview.rebuild().pages > 10 and not preview.unfinished
    assert "Able wins the opener" in ask(preview, "/news/able-wins/")  # the page the writer has open
    rename_first_story(site)
    story = site / "content/articles/2024-04-05-able-wins.md"
    outcome = preview.rebuild([str(story)])
    assert (outcome.pages, outcome.problems) == (1, ()) and outcome.left > 10 and preview.unfinished
    assert "Able storms the opener" in (site / "output/news/able-wins/index.html").read_text(encoding="utf-8")
    assert "Able wins the opener" in (site / "output/index.html").read_text(encoding="utf-8")  # not yet
    if finished_by == "asking for a page left":
        assert "Able storms the opener" in ask(preview, "/")
    else:
        assert preview.finish().pages == outcome.left
    assert not preview.unfinished and preview.finish() is None
    assert output_files(site / "output") == clean_render(site)


def test_a_rebuild_reads_only_the_files_the_watcher_saw_change(tmp_path, monkeypatch):
    """Told which files changed, a rebuild reads those and takes the rest as they were; told of a
    file it does not know (a new one, or a path in another spelling), it looks at every file."""
    from collections import Counter

    from cupsite.engine import files
    from cupsite.preview import Preview

    site = copy_site(SITES / "mini", tmp_path / "site")
    preview = Preview(site / "cupsite.toml", site / "output")
    preview.rebuild()
    reads: Counter = Counter()
    read_all = files._read_all
    monkeypatch.setattr(files, "_read_all", lambda path: reads.update([os.path.basename(path)]) or read_all(path))
    rename_first_story(site)
    preview.rebuild([str(site / "content/articles/2024-04-05-able-wins.md")])
    assert reads == Counter(["2024-04-05-able-wins.md"])
    assert output_files(site / "output") == clean_render(site)

    reads.clear()
    time.sleep(0.01)
    other = site / "content/articles/2024-04-06-baker-hits-back.md"
    other.write_text(other.read_text(encoding="utf-8").replace("title: ", "title: Now ", 1), encoding="utf-8")
    preview.rebuild([str(site / "content/articles/new-story.md.swp")])  # not a kept file: every file is looked at
    assert reads["2024-04-06-baker-hits-back.md"] == 1
    assert output_files(site / "output") == clean_render(site)


def test_serve_tells_the_writer_of_a_name_just_misspelled(tmp_path):
    """The checks that only warn run once the open page has reloaded; what they find anew is
    printed where `cupsite serve` runs."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", "from cupsite.cli import main; main()", "serve", "--port",
                               str(port)], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/news/able-wins/index.html"
        fetch(url)  # the story is open
        story = site / "content/articles/2024-04-05-able-wins.md"
        story.write_text(story.read_text(encoding="utf-8").replace("from Bob Baker", "from Bob Bakker"),
                         encoding="utf-8")
        wait_for_text(url, "Bob Bakker")
        time.sleep(2)  # the rest of the site, and the checks, follow the reload
    finally:
        server.terminate()
        printed = server.communicate(timeout=10)[0].decode("utf-8")
    assert "Rebuilt the 1 open page" in printed and "Rebuilt the other" in printed
    assert ("content/articles/2024-04-05-able-wins.md:11: warning: 'Bob Bakker' looks like a misspelling of "
            "'Bob Baker'") in printed


def test_stopping_the_preview_stops_the_search_indexing_under_way(tmp_path, monkeypatch):
    """Pagefind runs in the background; it must not outlive the preview and write into an output
    that is being removed."""
    from cupsite import preview as preview_module

    running = []

    def slow_index(output, started):
        with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as process:
            running.append(process)
            started(process)
            process.wait()

    monkeypatch.setattr(preview_module, "index_output_for_search", slow_index)
    monkeypatch.setattr(preview_module._SearchIndexer, "QUIET_SECONDS", 0.05)
    indexer = preview_module._SearchIndexer(tmp_path)
    indexer.refresh()
    deadline = time.monotonic() + 10
    while not running:
        assert time.monotonic() < deadline, "the indexing never started"
        time.sleep(0.05)
    indexer.stop()
    assert running[0].wait(timeout=5) != 0  # killed, not finished


def test_the_open_page_shows_the_site_again_by_itself_once_the_error_is_fixed(tmp_path, browser):  # noqa: F811
    """In Chromium: the story is open, a save breaks it and the page turns into the list of
    problems; the next save fixes it, and the page shows the story again with no one touching
    the browser."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    story = site / "content" / "articles" / "2024-04-05-able-wins.md"
    good = story.read_text(encoding="utf-8")
    with preview(site) as port:
        url = f"http://127.0.0.1:{port}/news/able-wins/index.html"
        fetch(url)  # the server is up
        page = browser.new_page()
        try:
            page.goto(url)
            page.wait_for_function("window.LiveReload !== undefined")
            page.wait_for_timeout(500)  # the reload socket connects just after the page loads
            story.write_text(good.replace("drivers: [Ann Able, bob-baker]", "drivers: [Ann Abel, bob-baker]"),
                             encoding="utf-8")
            page.wait_for_function("document.title.includes('problem')", timeout=15_000)
            page.wait_for_function("window.LiveReload !== undefined", timeout=15_000)
            page.wait_for_timeout(500)
            story.write_text(good, encoding="utf-8")
            page.wait_for_function("document.querySelector('h1').textContent.includes('Able wins the opener')",
                                   timeout=15_000)
        finally:
            page.close()
