"""The build cache folder may come from somewhere less trusted than the site (a CI cache that a
pull request can write): nothing in it may run code or delete a file, and whatever it holds, the
build is the one a build without it makes. And a cached build notices every change of its inputs:
a library's new version, an edit that kept the file's size and modification time."""

from __future__ import annotations

import importlib.metadata
import os
import pickle
from pathlib import Path

import jinja2
import msgpack
import pytest
from click.testing import CliRunner

from cupsite.cli import main
from cupsite.config import load_config
from cupsite.engine import cache
from cupsite.engine.cache import code_version
from cupsite.engine.fingerprints import digest

from .conftest import SITES, copy_site

CACHE = ".cupsite-cache"


class _Touching:
    """Unpickled, it creates the file `marker`: what a crafted cache file could do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return Path.touch, (self.marker,)


def _crafted_pickle(marker: Path) -> bytes:
    return pickle.dumps((b"version", "article", {b"\x00" * 16: _Touching(marker)}), protocol=5)


def _build(site: Path, *options: str):
    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_built_as_without_cache(site: Path, tmp_path: Path, result) -> None:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "failed unexpectedly" not in result.output
    clean = _build(site, "--no-cache", "--output", str(tmp_path / "clean"))
    assert clean.exit_code == 0, clean.output
    assert _files(site / "output") == _files(tmp_path / "clean")


def _edit_a_story(site: Path, text: str = "An edit.") -> Path:
    story = site / "content/articles/2024-04-05-able-wins.md"
    story.write_text(story.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")
    return story


@pytest.fixture
def built_site(tmp_path, monkeypatch):
    """The mini site, with a template of its own, built twice through the command (so that it has a
    cache, an output and a spare output)."""
    monkeypatch.setattr("cupsite.engine.templates.THEME_COMPILED", tmp_path / "theme-compiled")
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text('{% extends "theme/404.html" %}', encoding="utf-8")
    assert _build(site).exit_code == 0
    _edit_a_story(site, "A first edit.")
    assert _build(site).exit_code == 0
    return site


def test_crafted_pickles_in_the_cache_folder_are_never_loaded(built_site, tmp_path):
    marker = tmp_path / "code-ran"
    crafted = _crafted_pickle(marker)
    cache = built_site / CACHE
    for name in ("memo/article.00.pickle", "memo/article.00.msgpack", "memo/page-digest.03.msgpack",
                 "stamp.pickle", "stamp.msgpack", "outputs.pickle", "outputs.msgpack", "cache.pickle"):
        (cache / name).parent.mkdir(exist_ok=True)
        (cache / name).write_bytes(crafted)
    _edit_a_story(built_site)
    result = _build(built_site)
    assert not marker.exists()
    _assert_built_as_without_cache(built_site, tmp_path, result)


def test_crafted_compiled_templates_in_the_cache_folder_are_never_loaded(built_site, tmp_path):
    """Jinja's compiled templates start with a pickle and hold marshalled code: a site's own are
    no longer kept in the cache folder, whatever file is put there under the name it would have."""
    marker = tmp_path / "code-ran"
    crafted = jinja2.bccache.bc_magic + pickle.dumps(_Touching(marker), protocol=2)
    templates = built_site / CACHE / "templates"
    templates.mkdir(exist_ok=True)
    for existing in templates.glob("*.jinja"):
        existing.write_bytes(crafted)
    config = load_config(built_site / "cupsite.toml")
    filename = os.path.normpath(os.path.join(str(config.templates_dir), "404.html"))
    jinja_key = jinja2.BytecodeCache.get_cache_key(None, "404.html", filename)
    key = digest(jinja_key, f"{code_version().hex()}|{jinja2.__version__}").hex()  # as cupsite named them
    (templates / f"{key}.jinja").write_bytes(crafted)
    _edit_a_story(built_site)
    result = _build(built_site)
    assert not marker.exists()
    _assert_built_as_without_cache(built_site, tmp_path, result)


def test_a_cache_file_naming_a_type_off_the_list_or_cut_short_is_ignored(built_site, tmp_path):
    """Well-formed MessagePack that names a class outside cupsite's model (or a model class with
    the wrong fields), and files cut short: each is taken as absent, the build as a clean one."""
    shards = sorted((built_site / CACHE / "memo").glob("*.msgpack"))
    assert len(shards) > 4  # the cache is written in the data-only format
    foreign = [msgpack.ExtType(4, msgpack.packb(name, use_bin_type=True)) for name in (
        ["subprocess.Popen", ["touch", str(tmp_path / "code-ran")]],
        ["os.system", "true"],
        ["build.BuildResult", "output"],  # a cupsite dataclass, but not one the cache keeps
        ["model.Source", "only one of two fields"],
    )]
    for number, shard in enumerate(shards[:4]):
        version, namespace, entries = msgpack.unpackb(shard.read_bytes(), use_list=False, strict_map_key=False)
        entries = {key: foreign[number] for key in entries}
        shard.write_bytes(msgpack.packb((version, namespace, entries), use_bin_type=True))
    for shard in shards[4:8]:
        shard.write_bytes(shard.read_bytes()[: len(shard.read_bytes()) // 2])
    for name in ("stamp.msgpack", "outputs.msgpack"):
        path = built_site / CACHE / name
        path.write_bytes(path.read_bytes()[:-3])
    _edit_a_story(built_site)
    result = _build(built_site)
    assert not (tmp_path / "code-ran").exists()
    _assert_built_as_without_cache(built_site, tmp_path, result)


def test_a_forged_output_manifest_never_deletes_a_file_outside_the_output(built_site, tmp_path):
    """The spare output's manifest says which of its files to delete: a path leading out of it, in
    the old format or the new, is not taken."""
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me", encoding="utf-8")
    outside = os.path.relpath(victim, built_site / ".output.spare")
    forged = {"index.html": (1, 1, b"\x00" * 16), outside: (7, 1, b"\x00" * 16)}
    assert (built_site / ".output.spare").is_dir()
    (built_site / CACHE / "outputs.pickle").write_bytes(pickle.dumps((forged, forged)))
    (built_site / CACHE / "outputs.msgpack").write_bytes(msgpack.packb((forged, forged), use_bin_type=True))
    _edit_a_story(built_site)
    result = _build(built_site)
    assert victim.read_text(encoding="utf-8") == "keep me"
    _assert_built_as_without_cache(built_site, tmp_path, result)


def test_a_new_version_of_a_library_that_shapes_the_output_renders_cached_stories_again(
        tmp_path, monkeypatch):
    """nh3 sanitizes the HTML written in stories: after an upgrade, a story the cache holds is
    sanitized again by the new version, not taken as the old one left it."""
    import nh3

    monkeypatch.setattr("cupsite.engine.templates.THEME_COMPILED", tmp_path / "theme-compiled")
    site = copy_site(SITES / "mini", tmp_path / "site")
    _edit_a_story(site, "Some <b>raw</b> HTML.")
    code_version.cache_clear()
    assert _build(site).exit_code == 0
    page = site / "output/news/able-wins/index.html"
    assert "<b>raw</b>" in page.read_text(encoding="utf-8")

    real_versions, real_clean = getattr(cache, "_installed_versions", dict), nh3.clean
    monkeypatch.setattr(cache, "_installed_versions", lambda: {**real_versions(), "nh3": "99.0"}, raising=False)
    monkeypatch.setattr(nh3, "clean",
                        lambda html, **options: real_clean(html, **options).replace("<b>", "<b class=new>"))
    code_version.cache_clear()
    try:
        result = _build(site)
        assert "<b class=new>raw</b>" in page.read_text(encoding="utf-8")
        _assert_built_as_without_cache(site, tmp_path, result)
    finally:
        code_version.cache_clear()


def test_the_versions_in_the_cache_key_are_those_importlib_metadata_finds():
    versions = dict(cache.dependency_versions())
    assert set(versions) == set(cache.OUTPUT_SHAPING)
    for name, version in versions.items():
        try:
            assert version == importlib.metadata.version(name), name
        except importlib.metadata.PackageNotFoundError:
            assert version == "absent", name


def test_an_edit_that_kept_the_size_and_modification_time_is_built(tmp_path, monkeypatch):
    """`cp -p`, `rsync -t`, a checkout of an older file or an editor may set the modification time
    back: a same-size edit must not be taken for no change."""
    monkeypatch.setattr("cupsite.engine.templates.THEME_COMPILED", tmp_path / "theme-compiled")
    site = copy_site(SITES / "mini", tmp_path / "site")
    assert _build(site).exit_code == 0
    story = site / "content/articles/2024-04-05-able-wins.md"
    before = story.stat()
    text = story.read_text(encoding="utf-8")
    assert "by 1.250 s" in text
    story.write_text(text.replace("by 1.250 s", "by 9.250 s"), encoding="utf-8")
    os.utime(story, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (story.stat().st_size, story.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    result = _build(site)
    assert "Nothing changed" not in result.output
    page = site / "output/news/able-wins/index.html"
    assert "9.250" in page.read_text(encoding="utf-8")
    _assert_built_as_without_cache(site, tmp_path, result)


def test_everything_a_demo_build_caches_is_kept_on_disk_as_it_was(tmp_path):
    """A value the format could not keep would cost its shard silently: every entry of the demo's
    build comes back from disk, equal to what was computed."""
    from cupsite.build import build
    from cupsite.engine.cache import BuildCache

    from .conftest import ROOT

    result = build(ROOT / "cupsite.toml", tmp_path / "output", cache_dir=tmp_path / "cache")
    computed = {key: value for key, value in result.cache._entries.items()
                if key[0] not in BuildCache.MEMORY_ONLY}
    kept = BuildCache.open(tmp_path / "cache")._entries
    assert len({namespace for namespace, _ in computed}) > 10
    assert kept.keys() == computed.keys()
    assert all(kept[key] == value for key, value in computed.items())


def test_a_value_the_format_cannot_keep_is_computed_again_not_an_error(tmp_path):
    """MessagePack's integers stop at 64 bits; YAML's do not."""
    from cupsite.engine.cache import BuildCache
    from cupsite.engine.runner import CachingRunner
    from cupsite.steps import running_with
    from cupsite.yamlio import load_yaml

    text = "serial: 123456789012345678901234567890\n"
    cache = BuildCache()
    with running_with(CachingRunner(cache)):
        assert load_yaml(text) == load_yaml(text) == {"serial": 123456789012345678901234567890}
    cache.put("yaml", b"\x00" * 16, 2**70)
    cache.save(tmp_path)
    assert len(BuildCache.open(tmp_path)) == 0
