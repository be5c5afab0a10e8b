"""Identity: one slug per name, derived once, Unicode-aware."""

import functools
import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Letters NFKD does not decompose into an ASCII base letter.
_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "œ": "oe"})


def keys_ending_with(reference: str, keys) -> list[str]:
    """The keys ('carrera-cup/2025/indianapolis') a reference names by its trailing parts
    ('2025/indianapolis', 'indianapolis'); more than one means the reference is ambiguous."""
    return KeysByEnding(keys).ending_with(reference)


class KeysByEnding:
    """keys_ending_with for many references to the same keys (a site's stories name its events):
    each key filed once under each of its endings."""

    def __init__(self, keys) -> None:
        self._by_ending: dict[tuple[str, ...], list[str]] = {}
        for key in keys:
            parts = tuple(key.split("/"))
            for start in range(len(parts)):
                self._by_ending.setdefault(parts[start:], []).append(key)

    def ending_with(self, reference: str) -> list[str]:
        wanted = tuple(part for part in reference.strip("/").split("/") if part)
        return list(self._by_ending.get(wanted, ())) if wanted else []


def one_key_ending_with(reference: str, keys, what: str) -> tuple[str | None, str]:
    """(the one key a reference names, "") or (None, a message that says what to write instead)."""
    matches = sorted(keys_ending_with(reference, keys))
    if len(matches) == 1:
        return matches[0], ""
    if matches:
        return None, f"more than one {what} {reference!r}: {', '.join(matches)}; write more of it, e.g. {matches[0]!r}"
    return None, f"no {what} {reference!r}; {what}s: {', '.join(sorted(keys)) or 'none'}"


@functools.lru_cache(maxsize=1 << 16)  # the same names and tags recur in every story and every build
def slugify(name: str) -> str:
    """'Sabré Cook' -> 'sabre-cook'; 'Pro-Am' -> 'pro-am'."""
    text = unicodedata.normalize("NFKD", str(name).lower().translate(_EXTRA))
    ascii_text = text.encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text).strip("-")
