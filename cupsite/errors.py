"""Content problems as values: gathered across a whole build, reported together."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
NOTE = "note"  # the severity of a finding that is normal: listed on request, never failing a check
Item = TypeVar("Item")


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"

    def sort_key(self):
        return (self.path, self.line or 0, self.message)

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


def warnings_and_notes(found) -> tuple[list[ContentError], list[ContentError]]:
    """What a build found beyond its errors, parted into the warnings (likely mistakes) and the
    notes (normal, listed only on request)."""
    warnings, notes = [], []
    for finding in found:
        (notes if finding.severity == NOTE else warnings).append(finding)
    return warnings, notes


class ContentErrors(Exception):
    """Raised at a stage boundary when the content cannot be built."""

    def __init__(self, errors: list[ContentError], warnings: list[ContentError] = ()):
        super().__init__(f"{len(errors)} content problem(s)")
        self.errors = sorted(dict.fromkeys(errors), key=ContentError.sort_key)
        self.warnings = sorted(dict.fromkeys(warnings), key=ContentError.sort_key)


class Problems:
    """Collects problems while a stage runs, with paths shown relative to the site root."""

    def __init__(self, root: Path):
        self.root = root
        self.items: list[ContentError] = []
        self.warnings: list[ContentError] = []
        self._unreadable: set[tuple[str, Path]] = set()

    @functools.cached_property
    def _resolved_root(self) -> Path:
        # only when a path is not plainly under the root: a Problems is made for every story
        # a worker loads, and resolving costs a system call per folder of the path
        return self.root.resolve()

    def relative(self, path: Path | str) -> str:
        if type(path) is str and not path.startswith("/"):
            return _as_posix(path)  # a model's source, relative to the site's root already: most warnings
        path = Path(path)
        if not path.is_absolute():  # a model's source, already relative to the site's root
            return path.as_posix()
        try:
            if path.is_relative_to(self.root):  # the usual case, without the cost of resolving
                return path.relative_to(self.root).as_posix()
            return path.resolve().relative_to(self._resolved_root).as_posix()
        except ValueError:
            return path.as_posix()

    def add(self, path: Path | str, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(ContentError(self.relative(path), line, message, hint))

    def warn(self, path: Path | str, line: int | None, message: str, hint: str = "") -> None:
        """Something that builds but is probably not what the writer meant."""
        self.warnings.append(ContentError(self.relative(path), line, message, hint, "warning"))

    def note(self, path: Path | str, line: int | None, message: str, hint: str = "") -> None:
        """Something normal that a writer may still want to hear of (a story of no event, a driver
        without a profile): kept with the warnings, shown only when asked, never fatal."""
        self.warnings.append(ContentError(self.relative(path), line, message, hint, NOTE))

    # A season's calendar or entry list that could not be read at all: references into it are
    # not judged, since "unknown driver" in every story would only bury the one error that matters.
    CALENDAR, ENTRY_LIST = "calendar", "entry list"

    def mark_unreadable(self, kind: str, folder: Path) -> None:
        self._unreadable.add((kind, Path(folder)))

    def unreadable(self, kind: str, folder: Path | None = None) -> bool:
        return any(k == kind and (folder is None or f == Path(folder)) for k, f in self._unreadable)

    def found(self) -> tuple:
        """All this collector holds, as a value to carry (from a worker, or kept in the cache)."""
        return self.items, self.warnings, self._unreadable

    def take(self, found: tuple) -> None:
        """Add what another collector `found`."""
        errors, warnings, unreadable = found
        self.items.extend(errors)
        self.warnings.extend(warnings)
        self._unreadable |= unreadable

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentErrors(self.items, self.warnings)


@functools.lru_cache(maxsize=65536)
def _as_posix(path: str) -> str:
    """A relative path as Problems reports it; a site's 2,000 "story belongs to no event" warnings
    name 2,000 sources again on every build."""
    return Path(path).as_posix()
