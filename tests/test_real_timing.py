"""A real race's timing exports, read as the timing system means them.

The 2023 IMSA Long Beach race (tests/fixtures/realdata/imsa-2023-long-beach/, README there):
the official classification and the per-lap export as Al Kamel publish them, dropped into the
converted 2023 season in place of its hand-converted race.yaml. The expected figures are typed
in from the official classification (POSITION, NUMBER, STATUS, LAPS, FL_TIME) and, for car 6's
stints, from the per-lap export's DRIVER_NAME and PIT_TIME columns read by eye: never from
cupsite's output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from cupsite.cli import main

REALDATA = Path(__file__).parent / "fixtures" / "realdata"
EXPORTS = REALDATA / "imsa-2023-long-beach"
EVENT = "long-beach-street-circuit"

# The official classification, in its order: (car, class, status, laps, best lap).
OFFICIAL = [
    ("6", "GTP", "classified", 78, "1:11.990"), ("25", "GTP", "classified", 78, "1:11.503"),
    ("7", "GTP", "classified", 78, "1:11.909"), ("24", "GTP", "classified", 78, "1:11.863"),
    ("31", "GTP", "classified", 78, "1:11.750"), ("60", "GTP", "classified", 77, "1:11.616"),
    ("10", "GTP", "classified", 76, "1:11.808"), ("14", "GTDPRO", "classified", 73, "1:19.025"),
    ("3", "GTDPRO", "classified", 73, "1:19.087"), ("9", "GTDPRO", "classified", 73, "1:18.900"),
    ("1", "GTD", "classified", 73, "1:19.089"), ("27", "GTD", "classified", 73, "1:19.011"),
    ("23", "GTDPRO", "classified", 73, "1:18.984"), ("12", "GTD", "classified", 73, "1:18.959"),
    ("32", "GTD", "classified", 72, "1:19.552"), ("57", "GTD", "classified", 72, "1:19.299"),
    ("70", "GTD", "classified", 72, "1:18.864"), ("78", "GTD", "classified", 72, "1:19.097"),
    ("96", "GTD", "classified", 72, "1:19.733"), ("66", "GTD", "classified", 72, "1:18.786"),
    ("77", "GTD", "classified", 72, "1:19.436"), ("79", "GTDPRO", "classified", 72, "1:19.733"),
    ("97", "GTD", "classified", 72, "1:19.050"), ("91", "GTD", "classified", 71, "1:19.227"),
    ("92", "GTD", "classified", 71, "1:19.559"), ("01", "GTP", "classified", 0, None),
    ("80", "GTD", "dns", 0, None), ("93", "GTD", "dns", 0, None),
]


def race_of(tmp_path: Path, files: tuple[str, ...], needs_flag: bool = False) -> dict:
    """The Long Beach race in results.json, built with these export files in place of race.yaml."""
    site = tmp_path / "site"
    shutil.copytree(REALDATA / "imsa-2023", site, ignore=shutil.ignore_patterns("README.md", "published_*"))
    event = site / "content/results/imsa/2023" / EVENT
    (event / "race.yaml").unlink()
    for name in files:
        shutil.copyfile(EXPORTS / name, event / name)
    if needs_flag:
        config = site / "cupsite.toml"
        config.write_text(config.read_text(encoding="utf-8").replace("needs_flag = false", "needs_flag = true"),
                          encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(site / "cupsite.toml"),
                                       "--output", str(tmp_path / "output")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "output/data/imsa/2023/results.json").read_text(encoding="utf-8"))
    return next(s for s in data["sessions"] if s["event"].endswith(EVENT) and s["session"] == "race")


def test_the_official_export_and_its_laps_give_the_official_classification(tmp_path):
    """Every row as published, the two non-starters (no position, `Not started`) included; car
    01 is classified on 0 laps because the export says so. Car 6's stints: Nick Tandy laps 1-32,
    Mathieu Jaminet from lap 33 (his out-lap carries the stop's PIT_TIME, 1:10.668) to 78."""
    race = race_of(tmp_path, ("race.csv", "race.laps.csv"))
    assert race["from_laps"] is False
    assert [(r["car"], r["class"], r["status"], r["laps"], r["best_lap"]) for r in race["rows"]] == OFFICIAL
    winner = race["rows"][0]
    assert [(s["driver"], s["first_lap"], s["last_lap"]) for s in winner["stints"]] == [
        ("nick-tandy", 1, 32), ("mathieu-jaminet", 33, 78)]
    assert (winner["pit_stops"], winner["pit_time"]) == (1, "1:10.668")


def test_the_laps_alone_give_the_official_order_and_best_laps(tmp_path):
    """Filed with its per-lap export only, the race is worked out from the laps: every car that
    ran a lap in the official order, with the official best laps (the export's own marks), and
    car 10, which stopped after 76 laps before the flag, classified 7th in GTP as IMSA does
    (`needs_flag = false`). Cars 01, 80 and 93 ran no lap and are not in the export."""
    race = race_of(tmp_path, ("race.laps.csv",))
    assert race["from_laps"] is True
    ran = [row for row in OFFICIAL if row[3] > 0]
    assert [(r["car"], r["class"], r["status"], r["laps"], r["best_lap"]) for r in race["rows"]] == ran
    gtp = [r["car"] for r in race["rows"] if r["class"] == "GTP"]
    assert gtp == ["6", "25", "7", "24", "31", "60", "10"]


def test_where_the_flag_is_needed_the_car_that_stopped_retired(tmp_path):
    """The same laps under the other reading (`needs_flag = true`, as WEC classifies): car 10
    did not take the flag, so it retired and follows every classified car."""
    race = race_of(tmp_path, ("race.laps.csv",), needs_flag=True)
    assert [(r["car"], r["status"]) for r in race["rows"]][-1] == ("10", "dnf")
    assert all(r["status"] == "classified" for r in race["rows"][:-1])
