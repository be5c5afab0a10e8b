"""Times, gaps and statuses as timing sheets write them: 1:26.384, 40:12.345, +0.512, +1 Lap,
Retired."""

from __future__ import annotations

import re

from .model import STATUSES

_CLOCK = re.compile(r"^(?:(\d+):)?(?:(\d{1,2})[:'])?(\d{1,2}(?:\.\d{1,3})?)$")
_SECONDS = re.compile(r"^\d+(?:\.\d{1,3})?$")  # "116.119": gaps past a minute are often written so
_LAPS_GAP = re.compile(r"^\+?\s*(\d+)\s+laps?$", re.I)
_TIME_GAP = re.compile(r"^\+\s*(\d+(?::\d{2})?(?:\.\d{1,3})?)$")


def parse_time(text: str) -> float | None:
    """Seconds from '1:26.384', "1'26.384", '2:02:06.175', '86.384' or '116.119'; None if not a time."""
    text = str(text).strip()
    if _SECONDS.match(text):
        return float(text)
    match = _CLOCK.match(text)
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    if hours is not None and minutes is None:  # two parts: minutes:seconds
        hours, minutes = None, hours
    total = float(seconds) + 60 * int(minutes or 0) + 3600 * int(hours or 0)
    if minutes is not None and float(seconds) >= 60:
        return None
    return total


def parse_gap(text: str) -> tuple[int, float] | None:
    """(laps behind, seconds behind) from '+0.512' / '+1 Lap' / '-'; None if not a gap."""
    text = str(text).strip()
    if text in ("-", ""):
        return (0, 0.0)
    match = _LAPS_GAP.match(text)
    if match:
        return (int(match.group(1)), 0.0)
    match = _TIME_GAP.match(text)
    if match:
        seconds = parse_time(match.group(1))
        return None if seconds is None else (0, seconds)
    return None


def format_time(seconds: float | None) -> str:
    """86.384 -> '1:26.384'; 2412.345 -> '40:12.345'; 7326.175 -> '2:02:06.175'."""
    if seconds is None:
        return ""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}.{millis:03d}"
    if minutes:
        return f"{minutes}:{secs:02d}.{millis:03d}"
    return f"{secs}.{millis:03d}"


def format_gap(seconds: float) -> str:
    return "+" + format_time(seconds)


def format_laps_behind(laps: int) -> str:
    """2 -> '+2 Laps', as timing sheets write a gap of whole laps."""
    return f"+{laps} Lap{'s' if laps > 1 else ''}"


_STATUS_ALIASES = {"retired": "dnf", "not classified": "nc", "not_classified": "nc", "disqualified": "dsq",
                   "excluded": "dsq", "did not start": "dns", "not started": "dns", "not_started": "dns",
                   "did not finish": "dnf", "finished": "classified", "running": "classified"}


def parse_status(text: str) -> str | None:
    """The model's status ("dnf") from a sheet's ("Retired", "DNF", "Not classified"); None if unknown."""
    status = " ".join(str(text).split()).lower()
    status = _STATUS_ALIASES.get(status, status)
    return status if status in STATUSES else None
