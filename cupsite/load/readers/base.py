"""What every reader of a session's file is: the interface the registry finds readers by, and
what a reader is given. docs/readers.md describes it for people writing one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ...config import Championship
from ...errors import Problems
from ...model import Entry, Lap, ResultRow

CLASSIFICATION = "classification"
LAPS = "laps"
Kind = Literal["classification", "laps"]

NO_RESULTS_HINT = "this session has no results yet: remove the file, or fill it in when the results are out"


@dataclass
class Matching:
    """What a file's names were matched to, for `cupsite import` to report."""

    cars: int = 0
    drivers: int = 0
    spelt_differently: dict[str, str] = field(default_factory=dict)  # as written -> driver slug
    classes: Counter = field(default_factory=Counter)  # (as written, class code) -> cars


@dataclass(frozen=True)
class FileToRead:
    """One session's file with what its rows are checked against."""

    path: Path
    data: bytes
    session: str  # the session's slug: the file's name without its suffix, at a build
    cars: dict[str, Entry]  # the entry behind each car number at the file's round
    championship: Championship | None = None
    driver_names: dict[str, str] = field(default_factory=dict)  # driver slug -> name as the entry list writes it
    race: bool = True  # a race or sprint, whose classification has total times; practice has best laps
    matching: Matching = field(default_factory=Matching)


Rows = list[ResultRow] | tuple[Lap, ...]


@dataclass(frozen=True)
class Reader:
    """Reads one layout of a session's file into the rows the rest of the load works with:
    `ResultRow`s for a classification, `Lap`s for a per-lap export. `read` reports each thing
    wrong to the Problems it is given, with the file and the line, and returns None when
    nothing can be made of the file; it never raises for bad input."""

    name: str  # shown in messages, e.g. "alkamel-classification"
    title: str  # what the file is, in a sentence: "timing export", "hand-written classification"
    kind: Kind
    suffixes: tuple[str, ...]  # lower case, with the dot: a file `<session><suffix>` of a round's folder
    read: Callable[[FileToRead, Problems], Rows | None]
    # Whether the file's first bytes are in this layout. None: every file whose name ends with
    # one of the suffixes is. A reader for a timing export gives one, so a file can be told from
    # another layout with the same suffix and `cupsite import` can recognise it whatever its name.
    recognises: Callable[[bytes], bool] | None = None
    # Also reads the files of its suffixes that no reader recognises, to say what is wrong with them.
    fallback: bool = False
    # Set by cupsite for an installed reader: its distribution, version and source digest, so that
    # results kept in the build cache are read again when the reader changes.
    origin: str = ""

    def __post_init__(self) -> None:
        if self.kind not in (CLASSIFICATION, LAPS):
            raise ValueError(f"reader {self.name!r}: kind is {self.kind!r}, not {CLASSIFICATION!r} or {LAPS!r}")
        if not self.suffixes or any(not s.startswith(".") or s != s.lower() for s in self.suffixes):
            raise ValueError(f"reader {self.name!r}: suffixes {self.suffixes!r} should be lower case, each "
                             "starting with a dot, as (\".tsv\",)")

    def claims_name(self, name: str) -> str | None:
        """The suffix of `name` this reader reads files by, the longest one, or None."""
        lower = name.lower()
        found = [suffix for suffix in self.suffixes if lower.endswith(suffix) and lower != _last_part(suffix)]
        return max(found, key=len, default=None)


def _last_part(suffix: str) -> str:
    # `.csv` alone is a hidden file's name with no extension, as pathlib reads names, where
    # `.laps.csv` is a per-lap export of a session with no name (reported as no such session)
    return suffix[suffix.rfind("."):]
