"""Where the build's moment falls in the calendar: the round that is on or comes next, the session
on track and the one after it, and the next moment at which any of that changes.

The moment is an input of the build (`--build-date`, SOURCE_DATE_EPOCH, else the clock), so the
same content built at the same moment gives the same site. The stamp of a build expires at
`next_change`: `cupsite build` run again after a session started or ended builds again, even
with nothing edited (see engine/stamps.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .model import Event, SessionInfo

# How long a session without a `duration` is taken to run: long enough for a race of the cup, and
# a session given no length is shown "on now" for that long at most (the next one starting ends it)
DEFAULT_SESSION_MINUTES = 60


class SessionTimes(NamedTuple):
    """A session's start and end, in the track's time zone."""

    info: SessionInfo
    """the session: `name`, `type`, `slug`, `duration`"""
    start: datetime
    """its start, in the track's time zone"""
    end: datetime
    """its end: after its `duration`, else when the next session starts, or an hour after its start"""
    zone: str
    """the abbreviation of the track's time zone at its start ("EDT")"""


class WeekendNow(NamedTuple):
    """A round under way at the build's moment: the session on track, if one is, and the next."""

    on_now: SessionTimes | None
    """the session running at the build's moment: `info`, `start`, `end` (in the track's time), `zone`"""
    up_next: SessionTimes | None
    """the first session that has not started yet"""


def session_times(event: Event) -> tuple[SessionTimes, ...]:
    """The round's sessions in running order, with their ends: a session ends after its `duration`,
    when the next starts, or DEFAULT_SESSION_MINUTES after its start, whichever comes first."""
    zone = ZoneInfo(event.timezone)
    ordered = sorted(event.sessions, key=lambda info: info.start)
    times = []
    for number, info in enumerate(ordered):
        start = info.start.replace(tzinfo=zone)
        end = start + timedelta(minutes=info.duration or DEFAULT_SESSION_MINUTES)
        if info.duration is None and number + 1 < len(ordered):
            end = min(end, ordered[number + 1].start.replace(tzinfo=zone))
        times.append(SessionTimes(info, start, end, start.tzname() or event.timezone))
    return tuple(times)


def event_span(event: Event) -> tuple[datetime, datetime]:
    """When the round is on: from its first session's start to its last one's end; a round whose
    sessions are not published yet, from the start of its first day to the end of its last."""
    times = session_times(event)
    if times:
        return times[0].start, max(t.end for t in times)
    zone = ZoneInfo(event.timezone)
    return (datetime.combine(event.start, time(), zone),
            datetime.combine(event.end + timedelta(days=1), time(), zone))


def _not_over_by_date(events: Iterable[Event], now: datetime) -> list[Event]:
    """The rounds whose last day (a session's or the round's) is not two days or more before `now`:
    the others are over whatever their time zones, and an archive of twenty seasons has no need
    to work out the times of their sessions on every build."""
    today = now.date()
    return [event for event in events
            if max((info.start.date() for info in event.sessions), default=event.end) >= today - _MARGIN
            or event.end >= today - _MARGIN]


_MARGIN = timedelta(days=2)  # more than any two time zones are apart


def on_or_next(events: Iterable[Event], now: datetime) -> Event | None:
    """The round on at `now`, else the first one after it; None when every round is over."""
    coming = [(span[0], event.key, event) for event in _not_over_by_date(events, now)
              if (span := event_span(event))[1] > now]
    return min(coming, key=lambda found: found[:2])[2] if coming else None


def latest_started(events: Iterable[Event], now: datetime) -> Event | None:
    """The round that started last before `now`, if any did."""
    first_days = [(min((info.start.date() for info in event.sessions), default=event.start), event)
                  for event in events]
    began = [day for day, _ in first_days if day <= now.date() + _MARGIN]
    if not began:
        return None
    # by date first: only the rounds whose first day is near the latest one can be it, in any time zone
    near = [event for day, event in first_days if day >= max(began) - 2 * _MARGIN]
    for candidates in (near, [event for _, event in first_days]):
        started = [(span[0], event.key, event) for event in candidates if (span := event_span(event))[0] <= now]
        if started:
            return max(started, key=lambda found: found[:2])[2]
    return None


def weekend_now(event: Event, now: datetime) -> WeekendNow | None:
    """What is on at the round at `now`, when it is under way (between its first session's start
    and its last one's end); None before and after."""
    start, end = event_span(event)
    if not start <= now < end:
        return None
    times = session_times(event)
    on_now = next((t for t in times if t.start <= now < t.end), None)
    up_next = next((t for t in times if t.start > now), None)
    return WeekendNow(on_now, up_next)


def next_change(events: Iterable[Event], now: datetime) -> datetime | None:
    """The first moment after `now` at which a round or a session starts or ends: what the site says
    is on, or next, may change then."""
    events = _not_over_by_date(events, now)
    moments = [moment for event in events for times in session_times(event) for moment in (times.start, times.end)]
    moments += [moment for event in events for moment in event_span(event)]
    return min((moment for moment in moments if moment > now), default=None)
