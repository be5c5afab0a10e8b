"""How cupsite words a count or a rank, in the pages (the `counted` and `ordinal` filters) and at
the terminal alike."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`{{ n|counted("win") }}`: "1 win", "2 wins", "0 fastest laps", "1,204 laps". The nouns
    counted take an s, unless `plural` says otherwise ("1 file changed", "2 files changed")."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def ordinal(number: int | None) -> str:
    """`{{ n|ordinal }}`: "1st", "2nd", "11th", "23rd"; "" for no number."""
    if number is None:
        return ""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
