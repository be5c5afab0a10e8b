"""Turn one IMSA WeatherTech season of Al Kamel classification exports into a cupsite site.

The source is a fetched snapshot (a bare git directory) of github.com/tobi/imsa_data, which
keeps, per event, the official results export of every session as
data/<year>/<nn>-<event>/<yyyymmddhhmm>-<session>-results.csv (comma separated; IMSA's own
files use ';'). Only facts are written out, in cupsite's own YAML: the snapshot's files are
read with `git show` and never copied.

    python scripts/convert/alkamel.py --snapshot /work/.mirror/tobi+imsa_data/repo \\
        --year 2023 --out /tmp/imsa-2023 [--commit <sha>] [--classes GTP,LMP2]

An event with a race is a round; its qualifying (when the export has lap times) and its race
become the round's sessions. A qualifying held at an event without a race (the Roar before the
24, which sets the Daytona grid) goes to the next round. Test days are left out.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

# IMSA's published scale (racer.com, 2020-09-09; speedsport.com): 350, 320, 300, 280, 260,
# then 10 less a place to 10 points for 30th; qualifying is a tenth of it (35, 32, 30 ...).
RACE_POINTS = [350, 320, 300, 280, 260] + list(range(250, 0, -10))
QUALIFYING_POINTS = [35, 32, 30, 28, 26] + list(range(25, 0, -1))

CLASS_NAMES = {
    "GTP": ("Grand Touring Prototype", "#d62728"),
    "DPI": ("Daytona Prototype international", "#d62728"),
    "LMP2": ("Le Mans Prototype 2", "#1f77b4"),
    "LMP3": ("Le Mans Prototype 3", "#6a3d9a"),
    "GTDPRO": ("GT Daytona Pro", "#2ca02c"),
    "GTD": ("GT Daytona", "#ff7f0e"),
    "GTLM": ("GT Le Mans", "#17becf"),
}

TRACK_ZONES = {
    "daytona": "America/New_York", "sebring": "America/New_York",
    "watkins-glen": "America/New_York", "lime-rock": "America/New_York",
    "virginia": "America/New_York", "road-atlanta": "America/New_York",
    "mid-ohio": "America/New_York", "belle-isle": "America/Detroit",
    "detroit": "America/Detroit", "indianapolis": "America/Indiana/Indianapolis",
    "battle-on-the-bricks": "America/Indiana/Indianapolis",
    "long-beach": "America/Los_Angeles", "laguna-seca": "America/Los_Angeles",
    "canadian-tire": "America/Toronto", "road-america": "America/Chicago",
}

# Official decisions taken after the export in the snapshot was published, as facts with their
# source: (year, event folder, session, car, what happened).
POST_RACE_DECISIONS = [
    (2023, "12-watkins-glen-international", "race", "6", "back_of_class",
     "https://speedsport.com/sports-cars/imsa/bmw-wins-six-hours-of-the-glen-after-porsche-penalized"),
]

# Points penalties the series announced, as facts with their source, written to season.yaml
# `adjustments:` (docs/rules.md).
ADJUSTMENTS = [
    (2023, {"car": "60", "points": -200, "round": 1,
            "reason": "tyre pressure data manipulated at the Rolex 24 (Meyer Shank Racing)"},
     "https://www.autosport.com/imsa/news/daytona-24-winners-msr-hit-by-50k-fine-200-point-penalty-for-tyre-infraction/10441514/"),
]

NOTES = {"back_of_class": "Moved to the back of its class after post-race technical inspection"}

SESSION_FILE = re.compile(r"^(\d{12})-(.+)-results\.csv$")


@dataclass(frozen=True)
class Export:
    event_folder: str   # e.g. "07-sebring-international-raceway"
    stamp: str          # yyyymmddhhmm, local time at the track
    session: str        # "race", "qualifying", "practice-1" ...
    path: str           # path in the snapshot


def git(snapshot: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(snapshot), *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed in {snapshot}: {done.stderr.strip()}")
    return done.stdout


def list_exports(snapshot: Path, commit: str, year: int) -> list[Export]:
    names = git(snapshot, "ls-tree", "-r", "--name-only", commit, f"data/{year}").split("\n")
    exports = []
    for path in filter(None, names):
        parts = path.split("/")
        match = SESSION_FILE.match(parts[-1])
        if match and len(parts) == 4:
            exports.append(Export(parts[2], match[1], match[2], path))
    return sorted(exports, key=lambda e: (e.event_folder, e.stamp))


def read_rows(snapshot: Path, commit: str, path: str) -> list[dict[str, str]]:
    text = git(snapshot, "show", f"{commit}:{path}").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in rows]


def crew(row: dict[str, str]) -> list[str]:
    names = []
    for n in range(1, 7):
        name = f"{row.get(f'DRIVER{n}_FIRSTNAME', '')} {row.get(f'DRIVER{n}_SECONDNAME', '')}"
        if name.strip():
            names.append(" ".join(name.split()))
    return names


def event_slug(folder: str) -> str:
    return re.sub(r"-+", "-", folder.split("-", 1)[1].replace(".", "")).strip("-")


def zone_of(slug: str) -> str:
    for key, zone in TRACK_ZONES.items():
        if key in slug:
            return zone
    sys.exit(f"no time zone known for the event {slug!r}: add it to TRACK_ZONES")


def local_time(stamp: str) -> str:
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[8:10]}:{stamp[10:12]}"


def class_order(code: str) -> tuple[int, str]:
    known = list(CLASS_NAMES)
    return (known.index(code) if code in known else len(known), code)


def has_times(rows: list[dict[str, str]]) -> bool:
    return any(row.get("TIME") for row in rows)


def plan_rounds(exports: list[Export]) -> list[tuple[str, list[Export]]]:
    """(event folder, [qualifying?, race]) per round, in calendar order."""
    rounds: list[tuple[str, list[Export]]] = []
    waiting: list[Export] = []   # a qualifying held at an event without a race
    by_event: dict[str, list[Export]] = {}
    for export in exports:
        by_event.setdefault(export.event_folder, []).append(export)
    for folder, items in by_event.items():
        race = [e for e in items if e.session == "race"]
        qualifying = [e for e in items if e.session == "qualifying"]
        if not race:
            waiting = qualifying or waiting
            continue
        rounds.append((folder, (qualifying or waiting)[:1] + race[:1]))
        waiting = []
    return rounds


def apply_decisions(rows: list[dict[str, str]], year: int, export: Export) -> list[dict[str, str]]:
    """Move a car the stewards sent to the back of its class behind that class's last car."""
    for when, folder, session, car, decision, _ in POST_RACE_DECISIONS:
        if (when, folder, session) != (year, export.event_folder, export.session):
            continue
        assert decision == "back_of_class"
        moved = next(r for r in rows if r["NUMBER"] == car)
        # cupsite refuses a car with more laps below one with fewer, so the relegated car keeps
        # its place and a note, not its distance
        moved.update(LAPS="", TOTAL_TIME="", GAP_FIRST="", NOTE=NOTES[decision])
        rest = [r for r in rows if r is not moved]
        last = max(i for i, r in enumerate(rest) if r["CLASS"] == moved["CLASS"])
        rows = rest[:last + 1] + [moved] + rest[last + 1:]
        for position, row in enumerate(rows, start=1):
            row["POSITION"] = str(position)
    return rows


def result_row(row: dict[str, str], pos: int, session: str, drivers: list[str]) -> dict:
    out: dict = {"pos": pos, "car": row["NUMBER"]}
    if session == "race":
        if row.get("LAPS"):
            out["laps"] = int(row["LAPS"])
        if row.get("TOTAL_TIME"):
            out["time"] = row["TOTAL_TIME"]
        if row.get("GAP_FIRST") not in ("", "-"):
            out["gap"] = row["GAP_FIRST"]
        if row.get("FL_TIME"):
            out["best"] = row["FL_TIME"]
        if row.get("STATUS", "").lower() == "not started":
            out["status"] = "dns"
    else:
        if row.get("TIME"):
            out["best"] = row["TIME"]
        if row.get("LAPS"):
            out["laps"] = int(row["LAPS"])
    if row.get("NOTE"):
        out["note"] = row["NOTE"]
    out["drivers"] = drivers
    return out


def classification(rows: list[dict[str, str]], session: str, classes: set[str],
                   drove: dict[str, list[str]]) -> list[dict]:
    """The session's rows in cupsite's form, in overall order. In qualifying a car without a
    time is placed behind the timed cars (it still takes the last places of its class); a class
    that set no time at all (its session rained off) is left out."""
    def order(row: dict[str, str]) -> int:
        value = row.get("POSITION") or row.get("POS") or ""
        return int(value) if value.isdigit() else 10_000

    kept = sorted((r for r in rows if r["CLASS"] in classes), key=order)
    if session == "qualifying":
        timed_classes = {r["CLASS"] for r in kept if r.get("TIME")}
        kept = [r for r in kept if r.get("TIME")] + [
            r for r in kept if not r.get("TIME") and r["CLASS"] in timed_classes]
    return [result_row(row, pos, session, drove.get(row["NUMBER"], crew(row)))
            for pos, row in enumerate(kept, start=1)]


def laps_drivers(snapshot: Path, commit: str, path: str, rows: list[dict[str, str]]) -> dict[str, list[str]]:
    """Who drove at least one lap of each car, from the race's per-lap export when the snapshot
    has it (DRIVER_NUMBER counts from 1 in the classification's crew order)."""
    laps_path = path.replace("-results.csv", "-laps.csv")
    probe = subprocess.run(["git", "-C", str(snapshot), "cat-file", "-e", f"{commit}:{laps_path}"],
                           capture_output=True)
    if probe.returncode != 0:
        return {}
    crews = {row["NUMBER"]: crew(row) for row in rows}
    used: dict[str, set[int]] = {}
    for lap in read_rows(snapshot, commit, laps_path):
        if lap.get("DRIVER_NUMBER", "").isdigit():
            used.setdefault(lap["NUMBER"], set()).add(int(lap["DRIVER_NUMBER"]))
    return {car: [d for i, d in enumerate(names, start=1) if i in used.get(car, set())]
            for car, names in crews.items() if car in used}


def one_car_each(rows: list[dict[str, str]], drove: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each car's drivers, leaving out a driver the export names for two cars of one session
    (a reserve nominated for both) when the laps cannot tell which one he drove."""
    named = {row["NUMBER"]: drove.get(row["NUMBER"], crew(row)) for row in rows}
    count: dict[str, int] = {}
    for names in named.values():
        for name in names:
            count[name] = count.get(name, 0) + 1
    for name in sorted(n for n, c in count.items() if c > 1):
        print(f"note: {name} is named for more than one car; credited to none", file=sys.stderr)
    return {car: [n for n in names if count[n] == 1] for car, names in named.items()}


def same_team_spelling(rows: list[dict[str, str]], seen: dict[str, str]) -> None:
    """Timing writes some team names in two cases ('AF Corse', 'Af Corse'): keep the first."""
    for row in rows:
        row["TEAM"] = seen.setdefault(row["TEAM"].casefold(), row["TEAM"])


def entry_list(sessions: list[tuple[int, str, list[dict[str, str]]]]) -> list[dict]:
    """One entry per car number and (class, team); `rounds:` where a number changes hands."""
    groups: dict[str, dict[tuple[str, str], dict]] = {}
    for round_number, session, rows in sessions:
        for row in rows:
            key = (row["CLASS"], row["TEAM"])
            cars = groups.setdefault(row["NUMBER"], {})
            if session != "race" and cars and key not in cars:
                continue   # a qualifying row names the team as the race will; the race decides
            group = cars.setdefault(key, {"rounds": [], "drivers": []})
            if round_number not in group["rounds"]:
                group["rounds"].append(round_number)
            group["drivers"] += [d for d in crew(row) if d not in group["drivers"]]
    entries = []
    for number, cars in groups.items():
        for (code, team), group in cars.items():
            entry = {"number": number, "class": code, "team": team, "drivers": group["drivers"]}
            if len(cars) > 1:
                entry["rounds"] = sorted(group["rounds"])
            entries.append(entry)
    return entries


def season_calendar(rounds: list[tuple[str, list[Export]]]) -> list[dict]:
    calendar = []
    for number, (folder, exports) in enumerate(rounds, start=1):
        slug = event_slug(folder)
        stamps = [e.stamp for e in exports]
        calendar.append({
            "round": number,
            "slug": slug,
            "name": slug.replace("-", " ").title(),
            "track": slug.replace("-", " ").title(),
            "start": local_time(min(stamps))[:10],
            "end": local_time(max(stamps))[:10],
            "timezone": zone_of(slug),
            "sessions": [
                {"slug": e.session, "type": e.session, "start": local_time(e.stamp)}
                for e in exports
            ],
        })
    return calendar


def site_config(year: int, codes: list[str]) -> str:
    lines = [
        "[site]",
        f'title = "IMSA WeatherTech SportsCar Championship {year} (converted)"',
        'base_url = "https://example.org/"',
        'language = "en"',
        'timezone = "America/New_York"',
        "search = false",
        "",
        "[[championships]]",
        'slug = "imsa"',
        'name = "IMSA WeatherTech SportsCar Championship"',
        "",
    ]
    for code in codes:
        name, colour = CLASS_NAMES.get(code, (code, "#777777"))
        lines += ["  [[championships.classes]]", f'  code = "{code}"', f'  name = "{name}"',
                  f'  colour = "{colour}"', ""]
    lines += [
        "  [championships.points]",
        f"  race = {RACE_POINTS}",
        f"  qualifying = {QUALIFYING_POINTS}",
        "  # IMSA classifies a car that stopped before the flag on its laps (Long Beach 2023: car 10)",
        "  needs_flag = false",
        "  # points only to drivers who drove, where a race's per-lap export says who drove",
        "  must_drive = true",
        "",
    ]
    return "\n".join(lines)


def dump(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
                    encoding="utf-8")


def convert(snapshot: Path, commit: str, year: int, out: Path, only: set[str]) -> None:
    rounds = plan_rounds(list_exports(snapshot, commit, year))
    sessions, codes, teams = [], [], {}
    for number, (_, exports) in enumerate(rounds, start=1):
        race_drivers: dict[str, list[str]] = {}
        for export in sorted(exports, key=lambda e: e.session != "race"):
            rows = [r for r in read_rows(snapshot, commit, export.path)
                    if not only or r["CLASS"] in only]
            if export.session == "qualifying" and not has_times(rows):
                continue   # no lap times (a session rained off): nothing to classify
            same_team_spelling(rows, teams)
            rows = apply_decisions(rows, year, export)
            if export.session == "race":
                drove = laps_drivers(snapshot, commit, export.path, rows)
                race_drivers = one_car_each(rows, drove)
            drove = one_car_each(rows, race_drivers)
            codes += sorted({r["CLASS"] for r in rows} - set(codes), key=class_order)
            sessions.append((number, export, rows, drove))
    adjustments = [a for when, a, _ in ADJUSTMENTS if when == year]
    write_site(out, year, rounds, sessions, sorted(codes, key=class_order), adjustments)


def write_site(out: Path, year: int, rounds, sessions, codes: list[str], adjustments: list[dict]) -> None:
    calendar = season_calendar(rounds)
    kept = {(n, e.session) for n, e, _, _ in sessions}
    for item in calendar:
        item["sessions"] = [s for s in item["sessions"] if (item["round"], s["slug"]) in kept]
    base = out / "content" / "results" / "imsa" / str(year)
    (out / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (out / "cupsite.toml").write_text(site_config(year, codes), encoding="utf-8")
    season = {"name": f"{year} season", "rounds": calendar}
    if adjustments:
        season["adjustments"] = adjustments
    dump(base / "season.yaml", season)
    dump(base / "entries.yaml", entry_list([(n, e.session, rows) for n, e, rows, _ in sessions]))
    for number, export, rows, drove in sessions:
        event = calendar[number - 1]["slug"]
        results = classification(rows, export.session, set(codes), drove)
        dump(base / event / f"{export.session}.yaml", {"results": results})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--snapshot", type=Path, required=True, help="git dir of tobi/imsa_data")
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--classes", default="", help="e.g. GTP,LMP2 (default: every class)")
    args = parser.parse_args(argv)
    only = {c.strip() for c in args.classes.split(",") if c.strip()}
    convert(args.snapshot, args.commit, args.year, args.out, only)


if __name__ == "__main__":
    main()
