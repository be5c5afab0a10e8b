"""`cupsite import`: an official export is checked like the build checks it, then filed
unchanged where the build reads it; a bad export is refused and nothing is written."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner

from cupsite.build import build
from cupsite.cli import main

from .conftest import ROOT, SITES, copy_site

# Beta's race 1 of the mini site (tests/sites/mini/.../beta/race-1.yaml) as official timing
# would publish it: the same facts in the IMSA layout, names written the timing way.
BETA_RACE = (
    "\ufeffPOSITION;NUMBER;STATUS;LAPS;TOTAL_TIME;GAP_FIRST;GAP_PREVIOUS;FL_LAPNUM;FL_TIME;FL_KPH;TEAM;CLASS;"
    "DRIVER1_FIRSTNAME;DRIVER1_SECONDNAME;DRIVER2_FIRSTNAME;DRIVER2_SECONDNAME;\r\n"
    "1;3;Classified;10;16:00.000;-;-;4;1'35.000;151.6;Red Team;Class A;Cyd;COLE;;;\r\n"
    "2;2;Classified;10;16:02.000;+2.000;+2.000;7;1'35.100;151.4;Blue Team;Class A;Bob;BAKER;;;\r\n"
    "3;8;Classified;10;16:30.000;+30.000;+28.000;2;1'37.000;148.5;Green Team;B;Jose;FABREGAS;;;\r\n"
    "4;1;Classified;9;;+1 Lap;+1 Lap;3;1'35.500;150.8;Red Team;A;Ann;ABLE;;;\r\n"
    "5;7;DNS;0;;;;;;;Blue Team;B;Dee;DUNN;Eve;ERNST;\r\n"
)


def run(site, *args):
    return CliRunner().invoke(main, ["import", *args, "--config", str(site / "cupsite.toml")])


def standings_json(output):
    return json.loads((output / "data/cup/2024/standings.json").read_text(encoding="utf-8"))


def test_an_export_replaces_a_hand_written_classification_only_when_asked_and_gives_the_same_standings(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    before = standings_json(build(site / "cupsite.toml", output=tmp_path / "before").output)
    export = tmp_path / "03_Results_Race 1_Official.CSV"
    export.write_bytes(BETA_RACE.encode("utf-8"))
    refused = run(site, str(export), "--event", "2024/beta", "--session", "race-1")
    assert refused.exit_code == 1
    assert "race-1.yaml already holds the hand-written classification" in refused.output
    assert not (site / "content/results/cup/2024/beta/race-1.csv").exists()

    result = run(site, str(export), "--event", "2024/beta", "--session", "race-1", "--replace")
    assert result.exit_code == 0, result.output
    stored = site / "content/results/cup/2024/beta/race-1.csv"
    assert stored.read_bytes() == export.read_bytes()  # kept exactly as official timing published it
    assert not (site / "content/results/cup/2024/beta/race-1.yaml").exists()
    assert "5 cars matched to the entry list, 6 driver names to their crews" in result.output
    assert "class 'Class A' read as A (2 cars)" in result.output
    assert "6 driver names written otherwise than in the entry list (case, accents or order) read as the entry " \
        "list's: 'Ann ABLE' as Ann Able, 'Bob BAKER' as Bob Baker, 'Cyd COLE' as Cyd Cole and 3 more" \
        in " ".join(result.output.split())
    assert "Stored content/results/cup/2024/beta/race-1.csv" in result.output

    after = standings_json(build(site / "cupsite.toml", output=tmp_path / "after").output)
    assert after == before


def test_the_next_official_revision_replaces_the_export(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    export = tmp_path / "race.csv"
    export.write_bytes(BETA_RACE.encode("utf-8"))
    assert run(site, str(export), "--event", "beta", "--session", "race-1", "--replace").exit_code == 0
    revised = BETA_RACE.replace("4;1;Classified;9;", "4;1;Not classified;9;")
    export.write_bytes(revised.encode("utf-8"))
    result = run(site, str(export), "--event", "beta", "--session", "race-1")
    assert result.exit_code == 0, result.output
    assert "Replaced content/results/cup/2024/beta/race-1.csv" in result.output
    assert "Not classified" in (site / "content/results/cup/2024/beta/race-1.csv").read_text(encoding="utf-8")


def test_a_bad_export_is_refused_with_every_problem_and_nothing_is_written(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    export = tmp_path / "race.csv"
    export.write_text(BETA_RACE.replace("1;3;Classified", "1;33;Classified").replace("Bob;BAKER", "Bob;BAKKER"),
                      encoding="utf-8")
    result = run(site, str(export), "--event", "2024/gamma", "--session", "race-1")
    assert result.exit_code == 1
    assert "car #33 is not in the entry list" in result.output
    assert "no driver called 'Bob BAKKER' in the entry list (car #2)" in result.output
    assert "did you mean Bob Baker?" in result.output
    assert "nothing was written" in result.output
    assert not (site / "content/results/cup/2024/gamma/race-1.csv").exists()


def test_an_unknown_event_or_session_is_refused(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    export = tmp_path / "race.csv"
    export.write_bytes(BETA_RACE.encode("utf-8"))
    unknown_event = run(site, str(export), "--event", "2024/delta", "--session", "race-1")
    assert unknown_event.exit_code == 1 and "no event '2024/delta'" in unknown_event.output
    unknown_session = run(site, str(export), "--event", "2024/gamma", "--session", "race-9")
    assert unknown_session.exit_code == 1 and "has no session 'race-9'" in unknown_session.output


def test_a_per_lap_export_is_filed_beside_the_classification(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    laps = tmp_path / "23_Time Cards_Race 1.CSV"
    rows = ["NUMBER; DRIVER_NUMBER; LAP_NUMBER; LAP_TIME; ELAPSED; FLAG_AT_FL;"]
    elapsed = {3: 0.0, 2: 1.0}
    for lap in range(1, 4):
        for car in (3, 2):
            elapsed[car] += 96.0
            minutes, seconds = divmod(elapsed[car], 60)
            rows.append(f"{car};1;{lap};1:36.000;{int(minutes)}:{seconds:06.3f};GF;")
    laps.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(site, str(laps), "--event", "2024/beta", "--session", "race-1")
    assert result.exit_code == 0, result.output
    assert "6 laps of 2 cars" in result.output
    assert (site / "content/results/cup/2024/beta/race-1.laps.csv").read_bytes() == laps.read_bytes()


def test_an_ambiguous_event_lists_only_the_events_it_could_mean(tmp_path):
    site = copy_site(ROOT, tmp_path / "site")
    export = tmp_path / "race.csv"
    export.write_text("POSITION;NUMBER\n1;6\n", encoding="utf-8")
    result = run(site, str(export), "--event", "indianapolis", "--session", "race-1")
    assert result.exit_code == 1
    assert "more than one event 'indianapolis': carrera-cup/2025/indianapolis, carrera-cup/2026/indianapolis; " \
        "write more of it, e.g. 'carrera-cup/2025/indianapolis'" in " ".join(result.output.split())


def test_a_problem_in_another_season_or_championship_does_not_stop_an_import(tmp_path):
    """The mini site gains a 2023 season with a broken calendar and entry list, and a second
    championship whose only season is broken too: filing into 2024/beta still works; filing
    into the broken season is refused with its own problems."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    toml = site / "cupsite.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '\n[[championships]]\nslug = "other"\nname = "Other Cup"\n\n'
                    '  [[championships.classes]]\n  code = "X"\n  name = "Class X"\n  colour = "#123456"\n',
                    encoding="utf-8")
    broken = site / "content/results/cup/2023"
    broken.mkdir()
    (broken / "season.yaml").write_text("name: 2023 season\nrounds:\n  - round: 1\n    slug: old\n    name: Old\n"
                                        "    track: Alpha Park\n    start: 2023-04-05\n    end: 2023-04-01\n",
                                        encoding="utf-8")
    (broken / "entries.yaml").write_text("- {number: 1, class: Z, team: Red Team, driver: Ann Able}\n",
                                         encoding="utf-8")
    other = site / "content/results/other/2024"
    other.mkdir(parents=True)
    (other / "season.yaml").write_text("rounds: [\n", encoding="utf-8")
    export = tmp_path / "race.csv"
    export.write_bytes(BETA_RACE.encode("utf-8"))
    result = run(site, str(export), "--event", "2024/beta", "--session", "race-1", "--replace")
    assert result.exit_code == 0, result.output
    assert (site / "content/results/cup/2024/beta/race-1.csv").read_bytes() == export.read_bytes()

    refused = run(site, str(export), "--event", "2023/old", "--session", "race-1")
    assert refused.exit_code == 1
    assert "the round ends (2023-04-01) before it starts (2023-04-05)" in refused.output
    assert not (broken / "old").exists()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_stored_export_gets_the_mode_the_users_umask_gives(tmp_path, umask, mode):
    """A file the user saves gets 0o666 less the umask: 0o644 under 022, 0o664 under 002, 0o600
    under 077 (a temporary file would always be 0o600, unreadable to the web server)."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    export = tmp_path / "race.csv"
    export.write_bytes(BETA_RACE.encode("utf-8"))
    old = os.umask(umask)
    try:
        result = run(site, str(export), "--event", "2024/beta", "--session", "race-1", "--replace")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((site / "content/results/cup/2024/beta/race-1.csv").stat().st_mode) == mode
    assert [p.name for p in (site / "content/results/cup/2024/beta").iterdir()] == ["race-1.csv"]  # no leftovers


def test_a_race_imported_as_laps_alone_is_told_it_will_be_classified_from_them(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    laps = tmp_path / "23_Analysis_Race 1.CSV"
    laps.write_text("NUMBER; LAP_NUMBER; LAP_TIME; ELAPSED;\n3;1;1:36.000;1:36.000;\n3;2;1:35.000;3:11.000;\n",
                    encoding="utf-8")
    result = run(site, str(laps), "--event", "2024/gamma", "--session", "race-1")
    assert result.exit_code == 0, result.output
    assert "until the official one is imported, the build works one out from these laps" in \
        " ".join(result.output.split())
    assert (site / "content/results/cup/2024/gamma/race-1.laps.csv").is_file()
