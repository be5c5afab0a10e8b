"""Which stories a build publishes, and when the published site next changes by itself."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from .model import Article


@dataclass(frozen=True)
class Publishing:
    """Which stories a build publishes: drafts and stories dated after `now` only when asked."""

    drafts: bool = False
    future: bool = False
    # `cupsite build --build-date` (naive: in the site's time zone); None: SOURCE_DATE_EPOCH, or the clock
    now: datetime | None = None

    def in_zone(self, zone: ZoneInfo) -> Publishing:
        """With a `now` given without an offset read in the site's time zone."""
        if self.now is None or self.now.tzinfo is not None:
            return self
        return replace(self, now=self.now.replace(tzinfo=zone))

    def moment(self) -> datetime:
        if self.now is not None:
            return self.now
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()  # reproducible builds' convention
        if epoch.isdigit():
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        return datetime.now(timezone.utc)

    def select(self, articles, zone: ZoneInfo) -> list[Article]:
        now = self.moment()
        return [a for a in articles if (self.drafts or not a.draft)
                and (self.future or a.date.replace(tzinfo=a.date.tzinfo or zone) <= now)]

    def next_due(self, articles, zone: ZoneInfo) -> datetime | None:
        """When the first story held back for its date comes due (the site changes then)."""
        if self.future:
            return None
        now = self.moment()
        held = [a.date.replace(tzinfo=a.date.tzinfo or zone) for a in articles if self.drafts or not a.draft]
        return min((when for when in held if when > now), default=None)


def parse_build_date(text: str) -> datetime:
    """`--build-date`: YYYY-MM-DD (the start of that day) or YYYY-MM-DDTHH:MM[:SS], with an offset
    (2025-10-12T14:00+02:00) or without: then in the site's time zone, which `in_zone` applies.
    ValueError if it is none of these."""
    return datetime.fromisoformat(text.strip())
