"""Surnames (cupsite/names.py): the rule for real names, and a driver profile's `surname` over it."""

from __future__ import annotations

import pytest

from cupsite.errors import Problems
from cupsite.link import Person
from cupsite.load.profiles import load_profile
from cupsite.names import name_parts, person_name_parts, surname


@pytest.mark.parametrize(("name", "expected"), [
    ("Aaron Jeansonne", "Jeansonne"),
    ("Nyck de Vries", "de Vries"),
    ("Larry ten Voorde", "ten Voorde"),
    ("Larry Ten Voorde", "Ten Voorde"),
    ("Giedo van der Garde", "van der Garde"),
    ("António Félix da Costa", "da Costa"),
    ("Khaled Al Qubaisi", "Al Qubaisi"),
    ("Juan Pablo Montoya Jr.", "Montoya Jr."),
    ("Sabré Cook", "Cook"),
    ("Sebastien Buemi-Lang", "Buemi-Lang"),
    ("Van Jones", "Jones"),  # a first word is a given name, even one spelled like a particle
    ("Prince", "Prince"),
])
def test_the_surname_of_a_name(name, expected):
    assert surname(name) == expected


def test_a_name_is_cut_around_its_surname_and_joins_back_into_itself():
    assert name_parts("Nyck de Vries") == ("Nyck", "de Vries", "")
    assert name_parts("Zhou Guanyu", "Zhou") == ("", "Zhou", "Guanyu")
    assert name_parts("Juan Pablo Montoya", "Montoya") == ("Juan Pablo", "Montoya", "")
    assert name_parts("Nyck de Vries", "Devries") == ("Nyck", "de Vries", "")  # not in the name: the rule's
    for name, given in (("Nyck de Vries", None), ("Zhou Guanyu", "Zhou"), ("Prince", None)):
        assert " ".join(part for part in name_parts(name, given) if part) == name


def profile(tmp_path, front_matter: str):
    path = tmp_path / "content" / "drivers" / "zhou-guanyu.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nname: Zhou Guanyu\n{front_matter}---\nA driver.\n", encoding="utf-8")
    problems = Problems(tmp_path)
    return load_profile(path, "driver", problems), problems


def test_a_driver_profile_says_which_words_are_the_surname(tmp_path):
    loaded, problems = profile(tmp_path, "surname: Zhou\n")
    assert not problems.items
    assert person_name_parts(Person("driver", "zhou-guanyu", "Zhou Guanyu", loaded)) == ("", "Zhou", "Guanyu")
    assert person_name_parts(Person("driver", "zhou-guanyu", "Zhou Guanyu")) == ("Zhou", "Guanyu", "")


def test_a_surname_that_is_not_part_of_the_name_is_a_problem_with_its_line(tmp_path):
    loaded, problems = profile(tmp_path, "nationality: China\nsurname: Chou\n")
    [problem] = problems.items
    assert (problem.path, problem.line) == ("content/drivers/zhou-guanyu.md", 4)
    assert "'Chou' is not part of the name" in problem.message and "surname" in problem.hint
    assert "surname" not in loaded.fields
