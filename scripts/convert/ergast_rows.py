"""Rows of an Ergast-style results table → cupsite classification rows and entries."""

from __future__ import annotations

from collections import defaultdict

from .common import CarRow, SourceError, without_gaps_out_of_order

# positionText of a car without a classified position → cupsite's status
STATUS = {"R": "dnf", "D": "dsq", "E": "dsq", "N": "nc", "W": "dns", "F": "dns"}
NON_STARTERS = {"W", "F"}  # withdrawn, failed to qualify


def classification_rows(rows: list[dict], round_number: int, drivers: dict[str, str], team_name,
                        statuses: dict[str, str]) -> list[CarRow]:
    """A session's rows in finishing order, one per car, positions 1..N."""
    by_car = defaultdict(list)
    for row in sorted(rows, key=lambda r: int(r["positionOrder"])):
        if not row.get("number"):
            raise SourceError(f"round {round_number}: driver {row['driverId']} has no car number")
        by_car[row["number"]].append(row)
    cars = [_one_row_per_car(number, car_rows, round_number) for number, car_rows in by_car.items()]
    cars.sort(key=lambda car_rows: int(car_rows[0]["positionOrder"]))
    table = []
    for pos, car_rows in enumerate(cars, start=1):
        first = car_rows[0]
        teams = {team_name(r["constructorId"], round_number) for r in car_rows}
        if len(teams) > 1:
            raise SourceError(f"round {round_number}: car {first['number']} runs for {sorted(teams)}")
        classified = first.get("position") is not None
        time, gap = _time_or_gap(first, pos, statuses) if classified else (None, None)
        table.append(CarRow(round=round_number, number=first["number"], team=teams.pop(),
                            drivers=tuple(drivers[r["driverId"]] for r in car_rows), pos=pos,
                            status="classified" if classified else STATUS.get(first["positionText"], "dnf"),
                            laps=int(first.get("laps") or 0), time=time, gap=gap, best=first.get("fastestLapTime")))
    return without_gaps_out_of_order(table)


def _one_row_per_car(number: str, rows: list[dict], round_number: int) -> list[dict]:
    """The rows of one car number in one session: a withdrawn or non-qualified driver's line gives
    way to the driver who raced the car; drivers sharing a drive (one position) form a crew."""
    started = [r for r in rows if r["positionText"] not in NON_STARTERS] or rows[:1]
    if len({r["positionText"] for r in started}) > 1 and len(started) > 1:
        raise SourceError(f"round {round_number}: car {number} appears {len(started)} times with different results")
    return started


def _time_or_gap(row: dict, pos: int, statuses: dict[str, str]) -> tuple[str | None, str | None]:
    time = row.get("time")
    if pos == 1:
        return time, None
    if time and time.startswith("+"):
        return None, _minutes_and_seconds(time)
    status = statuses.get(row.get("statusId") or "", "")
    return None, status if status.startswith("+") else None


def _minutes_and_seconds(gap: str) -> str:
    """The source writes some gaps past a minute in seconds ("+116.119"); cupsite reads "+1:56.119"."""
    whole, _, fraction = gap[1:].partition(".")
    if ":" in whole or not whole.isdigit() or int(whole) < 60:
        return gap
    minutes, seconds = divmod(int(whole), 60)
    return f"+{minutes}:{seconds:02d}" + (f".{fraction}" if fraction else "")
