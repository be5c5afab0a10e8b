"""A driver's surname, for the places that show it first or alone (a phone's results, a chart's
line labels). The rule covers the usual Western names; a profile's `surname` settles the rest."""

from __future__ import annotations

# Lower-case words that belong to the surname after them: "Nyck de Vries" -> "de Vries", "Larry ten
# Voorde" -> "ten Voorde", "Khaled Al Qubaisi" -> "Al Qubaisi". The first word of a name is never
# taken for one ("Van Jones" is Jones), so a given name that happens to be one of them is safe.
NAME_PARTICLES = {"al", "bin", "da", "das", "de", "del", "della", "den", "der", "des", "di", "do", "dos", "du",
                  "el", "ibn", "la", "le", "st.", "ten", "ter", "van", "von", "zu"}
NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}

# (the words before the surname, the surname, the words after it): joined by spaces, the name again
NameParts = tuple[str, str, str]


def surname(name: str) -> str:
    """'Pieter van der Berg' -> 'van der Berg'; 'Sam Lee Jr.' -> 'Lee Jr.'; 'Prince' -> 'Prince'."""
    words = name.split()
    if len(words) <= 1:
        return name
    end = len(words) - 1
    if words[end].lower() in NAME_SUFFIXES and end > 1:
        end -= 1
    start = end
    while start > 1 and words[start - 1].lower() in NAME_PARTICLES:
        start -= 1
    return " ".join(words[start:])


def name_parts(name: str, given_surname: str | None = None) -> NameParts:
    """The name cut around its surname: the one a profile gives (`surname: Zhou` of "Zhou Guanyu"),
    else the rule's. A given surname that is not whole words of the name is ignored here (the
    profile's loader reports it)."""
    chosen = surname(name)
    if given_surname and surname_in(name, given_surname):
        chosen = " ".join(given_surname.split())
    words, found = name.split(), chosen.split()
    for start in range(len(words) - len(found), -1, -1):
        if words[start:start + len(found)] == found:
            return (" ".join(words[:start]), chosen, " ".join(words[start + len(found):]))
    return ("", name, "")


def surname_in(name: str, given_surname: str) -> bool:
    """Whether `given_surname` is one or more whole words of `name`, in order."""
    words, found = name.split(), given_surname.split()
    return bool(found) and any(words[i:i + len(found)] == found for i in range(len(words) - len(found) + 1))


def person_name_parts(person) -> NameParts:
    """A driver's (link.Person) name cut around the surname, their profile's `surname` first."""
    profile = getattr(person, "profile", None)
    given = profile.fields.get("surname") if profile is not None else None
    return name_parts(person.name, given if isinstance(given, str) else None)
