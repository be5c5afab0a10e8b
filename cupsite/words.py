"""How cupsite words a count, in the pages (the `counted` filter) and at the terminal alike."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`{{ n|counted("win") }}`: "1 win", "2 wins", "0 fastest laps", "1,204 laps". The nouns
    counted take an s, unless `plural` says otherwise ("1 file changed", "2 files changed")."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"
