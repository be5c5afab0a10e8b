"""Readers registered by kind: a session's file is read by the reader of its layout, found by the
end of its name and its first bytes; a new layout is one module, installed as a third party's
package would be (an entry point of the `cupsite.readers` group)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from cupsite.build import build
from cupsite.cli import main
from cupsite.errors import Problems
from cupsite.load.readers import registry
from cupsite.load.readers.base import CLASSIFICATION, Reader

from .conftest import ROOT, SITES, copy_site

ALPHA = Path("content/results/cup/2024/alpha")

# The example reader of docs/readers.md: a made-up timing system's tab-separated classification.
EXAMPLE = (ROOT / "docs/readers.md").read_text(encoding="utf-8").split("```python\n")[1].split("```")[0]
RACE_1 = "POS\tNO\tLAPS\tTIME\n1\t2\t20\t30:09.000\n2\t1\t20\t30:10.000\n3\t8\t20\t30:30.000\n4\t3\t19\t30:40.000\n"


def install(folder: Path, monkeypatch, **modules: str) -> None:
    """Each module of `modules` (name -> the suffixes it reads, or its source) as a package of
    its own would be installed: the module on sys.path, an entry point of `cupsite.readers`
    in the package's metadata."""
    folder.mkdir(parents=True, exist_ok=True)
    points = []
    for name, module in modules.items():
        source = module if "\n" in module else third_layout(name, module)
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
        points.append(f"{name.replace('_', '-')} = {name}:READER")
        INSTALLED.add(name)
        sys.modules.pop(name, None)  # a module of another test's packages, of the same name
    info = folder / "cupsite_test_readers-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cupsite-test-readers\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[cupsite.readers]\n" + "\n".join(points) + "\n")
    monkeypatch.syspath_prepend(str(folder))


def third_layout(name: str, suffixes: str) -> str:
    """The example reader, named after its module, reading files that end with `suffixes`."""
    return EXAMPLE.replace('"tab-timing"', repr(name.replace("_", "-"))).replace('(".tsv",)', suffixes)


INSTALLED: set[str] = set()


@pytest.fixture(autouse=True)
def fresh_registry():
    """The installed readers are looked up once a process: each test installs its own."""
    registry.installed.cache_clear()
    yield
    registry.installed.cache_clear()
    for name in INSTALLED:
        sys.modules.pop(name, None)


def race_rows(output: Path, session: str = "race-1") -> list[list[str]]:
    page = BeautifulSoup((output / "cup/2024/alpha/index.html").read_text(encoding="utf-8"), "html.parser")
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
            for row in page.select(f"section#{session} table.results tbody tr")]


def test_a_third_layout_is_one_reader_module_installed_as_a_package(tmp_path, monkeypatch):
    install(tmp_path / "packages", monkeypatch, tab_timing='(".tsv",)')
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / ALPHA / "race-1.yaml").unlink()
    (site / ALPHA / "race-1.tsv").write_text(RACE_1, encoding="utf-8")
    output = build(site / "cupsite.toml", tmp_path / "output").output
    assert race_rows(output) == [  # class A, then class B, as every classification is shown
        ["1", "1", "2", "Bob Baker R", "Blue Team", "20", "30:09.000", "", "10"],
        ["2", "2", "1", "Ann Able", "Red Team", "20", "+1.000", "", "6"],
        ["3", "4", "3", "Cyd Cole", "Red Team", "19", "+1 Lap", "", "4"],
        ["1", "3", "8", "José Fábregas", "Green Team", "20", "30:30.000", "", "10"]]


def test_a_malformed_file_of_the_third_layout_is_a_problem_with_its_line(tmp_path, monkeypatch):
    install(tmp_path / "packages", monkeypatch, tab_timing='(".tsv",)')
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / ALPHA / "race-1.yaml").unlink()
    (site / ALPHA / "race-1.tsv").write_text(RACE_1.replace("30:10.000", "half an hour"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--no-cache", "--config", str(site / "cupsite.toml")])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert "content/results/cup/2024/alpha/race-1.tsv:3: error: the row is not a position, a car number, laps " \
        "and a time" in result.output


def test_without_the_package_a_file_of_the_third_layout_is_not_a_classification(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / ALPHA / "race-1.yaml").unlink()
    (site / ALPHA / "race-1.tsv").write_text(RACE_1, encoding="utf-8")
    problems = Problems(site)
    assert registry.reader_for(site / ALPHA / "race-1.tsv", problems) is None
    assert [(p.message, p.hint) for p in problems.items] == [
        ("is not a classification file", "classifications are <session>.yaml files or timing exports "
         "<session>.csv; move other files out of content/results/")]


def test_two_installed_readers_that_recognise_one_file_are_an_error(tmp_path, monkeypatch):
    install(tmp_path / "packages", monkeypatch, tab_timing='(".tsv",)', tab_timing_copy='(".tsv",)')
    path = tmp_path / "race-1.tsv"
    path.write_text(RACE_1, encoding="utf-8")
    problems = Problems(tmp_path)
    assert registry.reader_for(path, problems) is None
    assert [p.format() for p in problems.items] == [
        "race-1.tsv: error: the readers 'tab-timing' and 'tab-timing-copy' both read this file, and cupsite "
        "cannot choose\n    hint: uninstall the package of one of them, or ask its authors to recognise only "
        "their own layout (docs/readers.md)"]


def test_a_built_in_reader_that_recognises_a_file_wins_and_installed_ones_are_not_looked_up(tmp_path):
    path = tmp_path / "race-1.csv"
    path.write_text("POSITION;NUMBER;LAPS\n1;6;24\n", encoding="utf-8")
    claim = registry.reader_for(path, Problems(tmp_path))
    assert (claim.reader.name, claim.session(path)) == ("alkamel-classification", "race-1")
    assert registry.installed.cache_info().currsize == 0  # no entry point was looked up
    for name, reader in (("race-1.laps.csv", "alkamel-laps"), ("race-1.yaml", "yaml"), ("race-1.YML", "yaml")):
        (tmp_path / name).write_text("NUMBER;LAP_NUMBER;LAP_TIME;ELAPSED\n", encoding="utf-8")
        assert registry.reader_for(tmp_path / name, Problems(tmp_path)).reader.name == reader, name
    assert registry.installed.cache_info().currsize == 0


def test_an_installed_reader_takes_the_csv_files_of_its_layout_from_the_built_in_fallback(tmp_path, monkeypatch):
    path = tmp_path / "race-1.csv"
    path.write_text(RACE_1, encoding="utf-8")
    alone = registry.reader_for(path, Problems(tmp_path))
    assert alone.reader.name == "alkamel-classification"  # it then says the columns are separated by tabs
    registry.installed.cache_clear()
    install(tmp_path / "packages", monkeypatch, tab_timing='(".csv",)')
    claim = registry.reader_for(path, Problems(tmp_path))
    assert (claim.reader.name, claim.session(path)) == ("tab-timing", "race-1")


def test_an_installed_reader_that_cannot_be_loaded_or_raises_is_a_problem_not_a_traceback(tmp_path, monkeypatch):
    broken = third_layout("tab_timing", '(".tsv",)').replace(
        "    rows = []\n", "    rows = []\n    raise RuntimeError('oops')\n")
    install(tmp_path / "packages", monkeypatch, tab_timing=broken, missing="raise ImportError('no such thing')\n")
    path = tmp_path / "race-1.tsv"
    path.write_text(RACE_1, encoding="utf-8")
    problems = Problems(tmp_path)
    claim = registry.reader_for(path, problems)
    assert [p.message for p in problems.items] == [
        "the reader 'missing' (missing:READER) cannot be loaded: ImportError: no such thing"]
    assert claim.reader.read(_file(path), problems) is None
    assert problems.items[-1].message == "the reader 'tab-timing' failed on this file: RuntimeError: oops"


def test_a_reader_says_what_is_wrong_with_its_suffixes_when_it_is_made():
    with pytest.raises(ValueError, match="suffixes"):
        Reader("bad", "bad file", CLASSIFICATION, ("tsv",), lambda file, problems: [])


def test_import_files_an_export_of_the_third_layout_under_its_readers_suffix(tmp_path, monkeypatch):
    install(tmp_path / "packages", monkeypatch, tab_timing='(".tsv",)')
    site = copy_site(SITES / "mini", tmp_path / "site")
    export = tmp_path / "RESULTS RACE 1.TXT"
    export.write_text(RACE_1, encoding="utf-8")
    arguments = ["import", str(export), "--event", "2024/alpha", "--session", "race-1",
                 "--config", str(site / "cupsite.toml")]
    refused = CliRunner().invoke(main, arguments)
    assert refused.exit_code == 1
    assert "race-1.yaml already holds the hand-written classification of race-1" in refused.output
    result = CliRunner().invoke(main, [*arguments, "--replace"])
    assert result.exit_code == 0, result.output
    assert (site / ALPHA / "race-1.tsv").read_bytes() == export.read_bytes()
    assert not (site / ALPHA / "race-1.yaml").exists()


def _file(path: Path):
    from cupsite.load.readers.base import FileToRead

    return FileToRead(path, path.read_bytes(), "race-1", {})


def test_a_per_lap_export_named_as_a_classification_is_told_its_name(tmp_path):
    path = tmp_path / "race-1.csv"
    path.write_text("NUMBER;LAP_NUMBER;LAP_TIME;ELAPSED\n6;1;1:31.402;1:31.402\n", encoding="utf-8")
    problems = Problems(tmp_path)
    claim = registry.reader_for(path, problems)
    assert claim.reader.read(_file(path), problems) is None
    assert [(p.line, p.message, p.hint) for p in problems.items] == [
        (1, "this is a per-lap export, not a classification", "name it race-1.laps.csv")]


@pytest.mark.parametrize(("name", "reader", "session"), [
    ("Race-1.CSV", "alkamel-classification", "Race-1"),
    ("race-1.laps.CSV", "alkamel-laps", "race-1"),
    (".laps.csv", "alkamel-laps", ""),  # a session with no name: reported as no such session
    (".csv", None, None),  # a hidden file with no extension, as pathlib reads names
    ("race-1.yaml.bak", None, None),
])
def test_the_end_of_a_name_decides_among_the_readers_as_the_extension_did(tmp_path, name, reader, session):
    path = tmp_path / name
    path.write_text("POSITION;NUMBER\n1;6\n", encoding="utf-8")
    claim = registry.reader_for(path, Problems(tmp_path))
    assert (claim.reader.name, claim.session(path)) == (reader, session) if reader else claim is None


def test_a_cached_build_reads_again_when_an_installed_reader_changes(tmp_path, monkeypatch):
    """The build cache keeps what a reader made of each file; an installed reader's distribution,
    version and source are part of the key (Reader.origin), so a reader that is upgraded or edited
    reads the files again instead of the cache serving what its old code made. The first build
    shows 20 laps for the winner; the edited reader subtracts one from every lap count."""
    install(tmp_path / "packages", monkeypatch, tab_timing='(".tsv",)')
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / ALPHA / "race-1.yaml").unlink()
    (site / ALPHA / "race-1.tsv").write_text(RACE_1, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    output = build(site / "cupsite.toml", tmp_path / "output", cache_dir=cache_dir).output
    assert race_rows(output)[0][5] == "20"

    module = tmp_path / "packages" / "tab_timing.py"
    source = module.read_text(encoding="utf-8")
    assert "laps=int(" in source, "the example reader reads the laps with int(...)"
    module.write_text(source.replace("laps=int(", "laps=-1 + int("), encoding="utf-8")
    sys.modules.pop("tab_timing", None)
    registry.installed.cache_clear()
    output = build(site / "cupsite.toml", tmp_path / "output", cache_dir=cache_dir).output
    assert race_rows(output)[0][5] == "19"
