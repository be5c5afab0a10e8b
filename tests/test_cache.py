"""The build cache never changes the output: a build that reuses what earlier builds computed
gives, byte for byte, what a clean build of the same content gives, whatever was edited between."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cupsite.build import build, render_site
from cupsite.config import load_config
from cupsite.engine import cachedata
from cupsite.engine.cache import BuildCache
from cupsite.errors import ContentErrors
from cupsite.publishing import Publishing

from .conftest import ROOT, SITES, copy_site

PREVIEW = Publishing(drafts=True, future=True)


def render(site: Path, cache: BuildCache | None = None) -> dict[str, bytes]:
    return render_site(load_config(site / "cupsite.toml"), PREVIEW, cache).files


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


MINI_EDITS = [
    ("a story", lambda s: replace_in(s / "content/articles/2024-04-05-able-wins.md", "Able wins the opener",
                                     "Able storms the opener")),
    ("a result file", lambda s: replace_in(s / "content/results/cup/2024/beta/race-1.yaml",
                                           'best: "1:35.100"', 'best: "1:34.900"')),
    ("a driver profile", lambda s: replace_in(s / "content/drivers/ann-able.md", "United Kingdom", "Ireland")),
    ("a new story", lambda s: (s / "content/articles/2024-05-30-late-news.md").write_text(
        "---\ntitle: Late news\ndate: 2024-05-30 10:00\ndrivers: [Ann Able]\n---\n\nAnn Able tests at Alpha Park.\n",
        encoding="utf-8")),
    ("a deleted story", lambda s: (s / "content/articles/2024-04-06-baker-hits-back.md").unlink()),
    ("a template", lambda s: (s / "templates").mkdir() or (s / "templates" / "base.html").write_text(
        '{% extends "theme/base.html" %}{% block brand %}Mini!{% endblock %}', encoding="utf-8")),
    ("the config", lambda s: replace_in(s / "cupsite.toml", 'title = "Mini Cup"', 'title = "Mini Cup Weekly"')),
]

DEMO_EDITS = [
    ("a story", lambda s: replace_in(s / "content/articles/2025-09-19-indianapolis-race-1.md",
                                     "Vanier wins a stop-start race 1", "Vanier wins a chaotic race 1")),
    ("a result file", lambda s: replace_in(s / "content/results/carrera-cup/2025/indianapolis/race-1.yaml",
                                           'best: "1:25.832"', 'best: "1:25.799"')),
    ("the qualifying order, which is the lap charts' grid", lambda s: _swap_pole(s / "content/results/carrera-cup/"
                                                                                 "2025/indianapolis/qualifying.yaml")),
    ("a template", lambda s: replace_in(s / "templates/base.html", "{{ site.title }}{% endblock %}",
                                        "{{ site.title }} (demo){% endblock %}")),
    ("the config", lambda s: replace_in(s / "cupsite.toml", 'title = "Cup Racing News"', 'title = "Cup News"')),
]


def _swap_pole(path: Path) -> None:
    replace_in(path, "pos: 1\n    car: 19", "pos: 1\n    car: 22")
    replace_in(path, "pos: 2\n    car: 22", "pos: 2\n    car: 19")


def differing(one: dict, other: dict) -> list[str]:
    return sorted(path for path in one.keys() | other.keys() if one.get(path) != other.get(path))


SAME_SIZE_EDIT = ("a story, its size kept", lambda s: replace_in(s / "content/articles/2024-04-05-able-wins.md",
                                                                  "opener", "opened"))


@pytest.mark.parametrize("resident", [False, True], ids=["cache", "resident cache"])
@pytest.mark.parametrize("name, source, edits", [("mini", SITES / "mini", [*MINI_EDITS[:1], SAME_SIZE_EDIT,
                                                                            *MINI_EDITS[1:]]),
                                                 ("demo", ROOT, DEMO_EDITS)])
def test_cached_builds_match_clean_builds_after_every_kind_of_edit(tmp_path, name, source, edits, resident):
    """A resident cache (`cupsite serve`'s) also keeps the files it read, by their stat, and the
    digests of what it hands out: neither may hide an edit."""
    site = copy_site(source, tmp_path / name)
    cache = BuildCache(resident=resident)
    before = render(site, cache)
    assert before == render(site)
    for what, edit in edits:
        edit(site)
        cached, clean = render(site, cache), render(site)
        assert differing(cached, clean) == [], f"after editing {what}, the cached build differs"
        assert differing(before, clean), f"editing {what} should have changed the site"
        before = clean


def test_a_resident_cache_does_not_grow_build_after_build(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "mini")
    story = site / "content/articles/2024-04-05-able-wins.md"
    cache = BuildCache(resident=True)
    render(site, cache)
    after_first = len(cache.fingerprints)
    sizes = []
    for number in range(12):
        story.write_text(story.read_text(encoding="utf-8") + f"\nEdit {number}.\n", encoding="utf-8")
        render(site, cache)
        sizes.append(len(cache.fingerprints))
    assert max(sizes) <= 2 * after_first
    assert len(cache.kept_files) == len([p for p in (site / "content").rglob("*") if p.is_file()])


def test_a_resident_cache_reads_again_a_file_saved_within_a_clock_tick_of_its_reading(tmp_path, monkeypatch):
    """Two saves of the same size within one tick of the file system's clock leave the same stat."""
    import os
    import time
    from types import SimpleNamespace

    from cupsite.engine import files

    story = tmp_path / "story.md"
    story.write_text("one", encoding="utf-8")
    now = time.time_ns()
    unchanged = SimpleNamespace(st_ino=1, st_size=3, st_mtime_ns=now, st_ctime_ns=now)
    class StatUnchanged:  # the os module as files.py sees it, but for the stat it gives
        stat = staticmethod(lambda path: unchanged)

        def __getattr__(self, name):
            return getattr(os, name)

    monkeypatch.setattr(files, "os", StatUnchanged())
    cache = BuildCache(resident=True)
    assert files.FileReader(cache).read(str(story)) == b"one"  # one build
    story.write_text("two", encoding="utf-8")
    assert files.FileReader(cache).read(str(story)) == b"two"  # the next


def test_a_warning_from_merging_a_per_lap_export_is_given_again_from_the_cache(tmp_path):
    site = copy_site(ROOT, tmp_path / "demo")
    race = site / "content/results/carrera-cup/2025/indianapolis/race-1.yaml"
    cache = BuildCache(resident=True)

    def lap_warnings() -> list[str]:
        rendered = render_site(load_config(site / "cupsite.toml"), PREVIEW, cache)
        return [w.message for w in rendered.site.warnings if "laps here but" in w.message]

    assert lap_warnings() == []
    replace_in(race, "    car: 6\n    laps: 24", "    car: 6\n    laps: 25")
    first = lap_warnings()
    assert first == ["car #6 has 24 laps here but 25 in the classification "
                     "(content/results/carrera-cup/2025/indianapolis/race-1.yaml)"]
    assert lap_warnings() == first  # the merge came from the cache, and its warning with it
    replace_in(race, "    car: 6\n    laps: 25", "    car: 6\n    laps: 24")
    assert lap_warnings() == []


def test_a_cached_build_renders_only_the_pages_an_edit_affects(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "mini")
    cache = BuildCache()
    render(site, cache)
    render(site, cache)
    assert cache.last_build.rendered == 0  # nothing changed: every page came from the cache
    MINI_EDITS[1][1](site)  # a best lap in the Beta race
    render(site, cache)
    rendered = set(cache.last_build.rendered_paths)
    assert "cup/2024/beta/" in rendered  # the event page shows the race's classification
    assert not [path for path in rendered if path.startswith("news/")]  # no story shows that lap


def test_the_cache_serves_the_site_however_its_configuration_path_is_spelled(tmp_path, monkeypatch):
    """`cupsite build` from the site's folder and `cupsite build --config /the/site/cupsite.toml`
    build the same site: the second renders nothing again."""
    site = copy_site(SITES / "mini", tmp_path / "mini")
    cache = BuildCache()
    monkeypatch.chdir(site)
    render_site(load_config(Path("cupsite.toml")), PREVIEW, cache)
    render_site(load_config((site / "cupsite.toml").resolve()), PREVIEW, cache)
    assert cache.last_build.rendered == 0


def test_a_content_error_is_reported_again_from_the_cache(tmp_path):
    """Problems found while parsing a file are part of what the cache remembers."""
    site = copy_site(SITES / "mini", tmp_path / "mini")
    replace_in(site / "content/results/cup/2024/beta/race-1.yaml", "{pos: 2, car: 2", "{pos: 2, car: 99")
    cache = BuildCache()
    messages = []
    for _ in range(2):
        with pytest.raises(ContentErrors) as failure:
            build(site / "cupsite.toml", tmp_path / "out", cache=cache)
        messages.append([error.format() for error in failure.value.errors])
    assert messages[0] == messages[1] and any("99" in m for m in messages[0])


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_builds_through_the_cache_on_disk_match_clean_builds(tmp_path):
    """Each build below opens the cache the previous one saved, as separate runs of
    `cupsite build` do."""
    site = copy_site(SITES / "mini", tmp_path / "mini")
    cache_dir = tmp_path / "cache"
    for what, edit in [("nothing", lambda s: None), *MINI_EDITS]:
        edit(site)
        cached = build(site / "cupsite.toml", tmp_path / "cached", cache_dir=cache_dir)
        clean = build(site / "cupsite.toml", tmp_path / "clean")
        assert not cached.up_to_date
        assert differing(files_of(cached.output), files_of(clean.output)) == [], f"after editing {what}"


def test_a_build_with_nothing_changed_writes_nothing(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "mini")
    config, cache_dir = site / "cupsite.toml", tmp_path / "cache"
    first = build(config, cache_dir=cache_dir)
    again = build(config, cache_dir=cache_dir)
    assert again.up_to_date and (again.pages, again.files) == (first.pages, first.files)
    assert [w.format() for w in again.warnings] == [w.format() for w in first.warnings]

    MINI_EDITS[0][1](site)  # a story
    assert not build(config, cache_dir=cache_dir).up_to_date
    assert build(config, cache_dir=cache_dir).up_to_date

    (site / "output" / "feed.xml").unlink()  # the output was tampered with
    assert not build(config, cache_dir=cache_dir).up_to_date
    assert (site / "output" / "feed.xml").is_file()


def test_a_build_with_the_cache_but_not_the_output_says_what_it_rendered_again(tmp_path):
    """As in a CI run that kept .cupsite-cache/ but not output/: every unchanged page is rendered
    again, the output is still a clean build's, and the build says how to avoid it."""
    from click.testing import CliRunner

    from cupsite.cli import main

    site = copy_site(SITES / "mini", tmp_path / "mini")
    config, cache_dir = site / "cupsite.toml", site / ".cupsite-cache"
    first = build(config, cache_dir=cache_dir)
    shutil.rmtree(site / "output")
    MINI_EDITS[0][1](site)  # a story
    run = CliRunner().invoke(main, ["build", "--config", str(config)])
    assert run.exit_code == 0, run.output
    again = int(run.output.split(" pages unchanged since the last build were rendered again")[0].split()[-1])
    assert 0 < again < first.pages  # the story and the lists that show it were not unchanged
    assert "keep output/ between runs as well as .cupsite-cache/" in run.output
    assert differing(files_of(site / "output"), files_of(build(config, tmp_path / "clean").output)) == []

    MINI_EDITS[2][1](site)  # a profile: with the output there, nothing is rendered again needlessly
    run = CliRunner().invoke(main, ["build", "--config", str(config)])
    assert run.exit_code == 0 and "rendered again" not in run.output


def test_a_build_reads_each_content_file_once(tmp_path, monkeypatch):
    """The cache is keyed by a file's bytes and the file is parsed from the same bytes: one read."""
    from collections import Counter

    from cupsite.engine import files, parallel

    site = copy_site(ROOT, tmp_path / "demo")
    reads: Counter = Counter()

    def counted(read):
        def reading(path: Path) -> bytes:
            reads[Path(path)] += 1
            return read(path)
        return reading

    monkeypatch.setattr(Path, "read_bytes", counted(Path.read_bytes))
    monkeypatch.setattr(files, "_read_all", counted(files._read_all))  # how the load stage reads
    monkeypatch.setattr(parallel, "cores", lambda: 1)  # the reads of forked workers would not be counted
    build(site / "cupsite.toml", cache_dir=tmp_path / "cache")
    content = [path for path in reads if site / "content" in path.parents]
    assert len(content) > 90
    assert {path: count for path, count in reads.items() if path in content and count != 1} == {}


def test_an_unchanged_page_is_taken_from_the_output_only_while_the_output_holds_it(tmp_path):
    """The cache on disk keeps each page's digest; the page's bytes come from the last output
    (or its spare), never from a file changed by hand since."""
    site = copy_site(SITES / "mini", tmp_path / "mini")
    config, cache_dir = site / "cupsite.toml", tmp_path / "cache"
    build(config, cache_dir=cache_dir)
    cache = BuildCache.open(cache_dir)
    assert len(cache) > 0 and cache.get("page", b"") is None
    assert not any(isinstance(value, bytes) and value.startswith(b"<!DOCTYPE") for value in cache._entries.values())
    before = files_of(site / "output")
    MINI_EDITS[0][1](site)  # a story
    clean = files_of(build(config, tmp_path / "clean").output)
    unchanged = sorted(path for path, data in clean.items() if before.get(path) == data and path.endswith(".html"))
    assert len(unchanged) > 10
    for path in unchanged[:5]:  # hand edits, one keeping the size, the others not
        page = site / "output" / path
        page.write_bytes(page.read_bytes().replace(b"</body>", b"</BODY>" if path == unchanged[0] else b"<p>x</body>"))
    assert differing(files_of(build(config, cache_dir=cache_dir).output), clean) == []
    MINI_EDITS[1][1](site)  # a result file: this build is written into the spare the last one set aside
    assert differing(files_of(build(config, cache_dir=cache_dir).output),
                     files_of(build(config, tmp_path / "clean").output)) == []


def test_a_story_held_back_for_its_date_is_published_when_it_comes_due(tmp_path, monkeypatch):
    site = copy_site(SITES / "mini", tmp_path / "mini")
    (site / "content/articles/2030-01-01-later.md").write_text(
        "---\ntitle: Later news\ndate: 2030-01-01 09:00\n---\n\nNot yet.\n", encoding="utf-8")
    config, cache_dir = site / "cupsite.toml", tmp_path / "cache"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027
    build(config, cache_dir=cache_dir)
    assert build(config, cache_dir=cache_dir).up_to_date
    assert not (site / "output/news/later").exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")  # 2030, after the story's date
    assert not build(config, cache_dir=cache_dir).up_to_date
    assert (site / "output/news/later/index.html").is_file()


def test_a_cache_from_another_version_or_broken_is_not_used(tmp_path):
    import pickle

    shards = tmp_path / "cache" / BuildCache.FOLDER
    shards.mkdir(parents=True)
    (shards / "page.00.pickle").write_bytes(b"not a pickle")
    (shards / "page.01.pickle").write_bytes(pickle.dumps((b"another version", "page", {b"\x01x": b"old page"})))
    (shards / "page.02.msgpack").write_bytes(b"\xc1 not msgpack")
    (shards / "page.03.msgpack").write_bytes(cachedata.encode((b"another version", "page", {b"\x01x": b"old page"})))
    cache = BuildCache.open(tmp_path / "cache")
    assert cache.get("page", b"\x01x") is None and len(cache) == 0
    assert not list(shards.iterdir())  # neither is kept
    site = copy_site(SITES / "mini", tmp_path / "mini")
    build(site / "cupsite.toml", cache_dir=tmp_path / "cache")
    assert len(BuildCache.open(tmp_path / "cache")) > 0


def test_an_edit_rewrites_only_the_parts_of_the_cache_it_changed(tmp_path):
    """The cache is kept in shards; editing a story rewrites the one or two that hold it (its old
    entry goes, its new one comes), not the ones holding the other stories."""
    site = copy_site(SITES / "mini", tmp_path / "mini")
    config, cache_dir = site / "cupsite.toml", tmp_path / "cache"
    story = site / "content/articles/2024-04-05-able-wins.md"
    build(config, cache_dir=cache_dir)
    replace_in(story, "Able wins the opener", "Able storms the opener")
    build(config, cache_dir=cache_dir)  # also drops what only the first build needed (the stories' YAML)
    shards = {path: path.read_bytes() for path in (cache_dir / BuildCache.FOLDER).iterdir()}
    replace_in(story, "Able storms the opener", "Able takes the opener")
    build(config, cache_dir=cache_dir)
    for namespace in ("load.articles.load_article_file", "link.link_story"):
        held = {path: data for path, data in shards.items() if path.name.startswith(f"{namespace}.")}
        rewritten = [path for path, data in held.items() if not path.exists() or path.read_bytes() != data]
        # shards are chosen by key, so which shards hold which story differs from run to run
        name = story.stem.encode()
        holding_the_story = [path for path, data in held.items()
                             if name in data or (path.exists() and name in path.read_bytes())]
        assert rewritten and set(rewritten) <= set(holding_the_story), namespace
    assert differing(files_of(site / "output"), files_of(build(config, tmp_path / "clean").output)) == []


def test_rendering_across_processes_matches_one_process(monkeypatch):
    import os
    import threading
    import time

    from cupsite.engine import parallel

    if threading.active_count() > 1:
        pytest.skip("another thread runs in this test process, so cupsite would not fork here")
    pids = parallel.map_in_parallel(lambda _: (time.sleep(0.001), os.getpid())[1], range(200), workers=2)
    assert len(set(pids)) == 2  # the work really was shared with another process
    shared = render(ROOT)
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert differing(render(ROOT), shared) == []


def test_the_replaced_output_is_kept_as_a_spare_and_written_into_next_time(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "mini")
    config, cache_dir = site / "cupsite.toml", tmp_path / "cache"
    build(config, cache_dir=cache_dir)
    MINI_EDITS[0][1](site)
    build(config, cache_dir=cache_dir)
    spare = site / ".output.spare"
    assert spare.is_dir()
    robots = (spare / "robots.txt").stat().st_ino  # the same in every build
    MINI_EDITS[2][1](site)
    build(config, cache_dir=cache_dir)
    assert (site / "output/robots.txt").stat().st_ino == robots  # the spare became the output, unrewritten
    assert differing(files_of(site / "output"), files_of(build(config, tmp_path / "clean").output)) == []

    before = files_of(site / "output")
    (site / "templates").mkdir()
    (site / "templates" / "base.html").write_text("{% extends 'theme/base.html' %}{% block brand %}{{ nope.x }}"
                                                  "{% endblock %}", encoding="utf-8")
    with pytest.raises(ContentErrors):
        build(config, cache_dir=cache_dir)
    assert files_of(site / "output") == before  # a failed build leaves the output as it was
    assert not [p for p in site.iterdir() if p.name.startswith(".output.new")]


def test_pages_taken_from_the_output_are_linked_and_the_live_output_is_never_written_into(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "mini")
    config, cache_dir = site / "cupsite.toml", tmp_path / "cache"
    output, spare = site / "output", site / ".output.spare"
    build(config, cache_dir=cache_dir)
    MINI_EDITS[1][1](site)  # a result file: no story shows it
    build(config, cache_dir=cache_dir)  # a fresh folder, the unchanged pages taken from the output
    story = output / "news" / "able-wins" / "index.html"
    assert story.stat().st_nlink == 2  # the story page is the same file in the output and the spare
    live = files_of(output)
    MINI_EDITS[0][1](site)  # the story: written into the spare, whose story page is the live one
    build(config, cache_dir=cache_dir)
    assert files_of(spare) == live  # the output that was live until the swap was not touched
    assert differing(files_of(output), files_of(build(config, tmp_path / "clean").output)) == []


def test_cached_builds_of_a_generated_archive_match_clean_builds(tmp_path):
    """The bench's archive, small: seasons of results, hundreds of stories and drivers."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    site = corpus.archive_site(tmp_path / "archive", seasons=2, stories=150, drivers=80, teams=8, cars=12)
    cache_dir = tmp_path / "cache"
    story = sorted((site / "content/articles").glob("*-story-7.md"))[0]
    race = sorted((site / "content/results").rglob("race-1.yaml"))[-1]
    edits = [("nothing", lambda: None),
             ("a story", lambda: replace_in(story, "\n\n", "\n\nA late line.\n\n")),
             ("a result file", lambda: replace_in(race, 'best: "1:', 'best: "2:'))]
    before: dict = {}
    for what, edit in edits:
        edit()
        cached = files_of(build(site / "cupsite.toml", cache_dir=cache_dir).output)
        clean = files_of(build(site / "cupsite.toml", tmp_path / "clean").output)
        assert differing(cached, clean) == [], f"after editing {what}"
        assert what == "nothing" or differing(before, clean), f"editing {what} should have changed the site"
        before = clean


def test_compiled_templates_are_kept_for_the_theme_alone(tmp_path, monkeypatch):
    """The theme's compiled templates are kept in the package (used by every build), a site's own
    never on disk (loading them would run code from wherever they were kept); a template whose
    source changed is compiled again, a folder that cannot be written only means compiling again,
    and PYTHONDONTWRITEBYTECODE keeps the package's folder as it is."""
    import jinja2

    from cupsite import render
    from cupsite.engine import templates

    def environment():
        return render.make_environment(config, templates.CompiledTemplates())

    theme_folder = tmp_path / "theme-compiled"
    monkeypatch.setattr(templates, "THEME_COMPILED", theme_folder)
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "extra.html").write_text("{{ 1 + 1 }}", encoding="utf-8")
    config = load_config(site / "cupsite.toml")

    compiled = []
    original_compile = jinja2.Environment.compile

    def counting_compile(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return original_compile(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting_compile)
    first = environment()
    assert first.get_template("extra.html").render() == "2"
    first.get_template("feed.xml")
    assert compiled == ["extra.html", "feed.xml"]
    assert len(list(theme_folder.iterdir())) == 1

    compiled.clear()
    second = environment()
    assert second.get_template("extra.html").render() == "2"
    second.get_template("feed.xml")
    assert compiled == ["extra.html"]  # the theme's read back, the site's compiled again

    compiled.clear()
    theme_template = next(theme_folder.iterdir())
    theme_template.write_bytes(b"changed")  # a damaged file: compiled again, not an error
    assert environment().get_template("feed.xml") is not None
    assert compiled == ["feed.xml"]

    compiled.clear()
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(templates, "THEME_COMPILED", tmp_path / "a-file")
    assert environment().get_template("404.html") is not None
    assert compiled == ["404.html"]

    monkeypatch.setattr(templates, "THEME_COMPILED", tmp_path / "not-written")
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    environment().get_template("404.html")
    assert not (tmp_path / "not-written").exists()
    assert templates.compile_theme() == len(list((render.THEME_DIR / "templates").iterdir()))
    assert len(list((tmp_path / "not-written").iterdir())) == templates.compile_theme()
