"""Which stories a build publishes, and when the published site next changes by itself."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from .model import Article


@dataclass(frozen=True)
class Publishing:
    """Which stories a build publishes: drafts and stories dated after `now` only when asked."""

    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # aware; None: the clock, or SOURCE_DATE_EPOCH when set

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
