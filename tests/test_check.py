"""`cupsite check`: every check of a build, nothing written; warnings, --strict and CI formats."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cupsite.cli import main

from .conftest import ROOT, SITES, copy_site

STORY = "content/articles/2024-04-06-baker-hits-back.md"


def check(site, *args):
    return CliRunner().invoke(main, ["check", "--config", str(site / "cupsite.toml"), *args])


def test_a_misspelt_driver_in_a_story_is_a_warning_that_strict_makes_fatal(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\nAnn Abel was second and Cyd Cole third.\n",
                     encoding="utf-8")
    relaxed = check(site)
    assert relaxed.exit_code == 0, relaxed.output
    assert f"{STORY}:12: warning: 'Ann Abel' looks like a misspelling of 'Ann Able'" in relaxed.output
    assert "'Cyd Cole' looks like" not in relaxed.output  # spelt right
    assert check(site, "--strict").exit_code == 1
    assert not (site / "output").exists()  # check writes nothing


def test_github_annotations_and_json(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("drivers: [Bob Baker]", "drivers: [Bob Bakker]"),
                     encoding="utf-8")
    github = check(site, "--format", "github")
    assert github.exit_code == 1
    assert (f"::error file={STORY},line=7::unknown driver 'Bob Bakker' (did you mean 'Bob Baker'?)"
            in github.output.splitlines())
    problems = json.loads(check(site, "--format", "json").output)
    assert {"file": STORY, "line": 7, "severity": "error", "message": "unknown driver 'Bob Bakker'",
            "hint": "did you mean 'Bob Baker'?"} in problems


def test_template_errors_are_found_without_writing(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block content %}{{ x.y }}"
                                                 "{% endblock %}", encoding="utf-8")
    result = check(site)
    assert result.exit_code == 1 and "404.html" in result.output


def test_the_demo_site_passes_the_strict_check():
    """The demo's feature stories (of no event) are notes, which --strict does not fail on."""
    result = CliRunner().invoke(main, ["check", "--strict", "--config", str(ROOT / "cupsite.toml")])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("0 errors, 0 warnings, ")


def test_normal_findings_are_notes_listed_only_on_request(tmp_path):
    """The mini site has a draft of no event and five drivers without a profile: normal, so notes.
    The text counts them in one line, --verbose lists them, JSON and GitHub annotations carry
    them as notes ("notice" is GitHub's word), and --strict passes."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    quiet = check(site, "--strict")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output == "0 errors, 0 warnings, 6 notes; `cupsite check --verbose` lists them.\n"
    verbose = check(site, "--verbose")
    assert "content/results/cup/2024/entries.yaml:2: note: Bob Baker has no profile" in verbose.output
    assert "content/articles/2024-05-20-draft.md:2: note: the story belongs to no event" in verbose.output
    assert verbose.output.splitlines()[-1] == "0 errors, 0 warnings, 6 notes."
    problems = json.loads(check(site, "--format", "json").output)
    assert {(p["severity"], p["message"]) for p in problems} >= {("note", "Cyd Cole has no profile"),
                                                                ("note", "the story belongs to no event")}
    github = check(site, "--format", "github").output.splitlines()
    assert "::notice file=content/results/cup/2024/entries.yaml,line=3::Cyd Cole has no profile " \
           "(add content/drivers/cyd-cole.md with a short biography)" in github
    assert all(line.startswith("::notice ") for line in github)


def test_counts_are_worded_for_one_and_for_more(tmp_path):
    """"1 warning", not "1 warnings"; "2 warnings"; "1 note" (the one rule of words.counted)."""
    site = copy_site(SITES / "mini", tmp_path / "site")
    def profile(name: str) -> None:
        slug = name.lower().replace(" ", "-").replace("é", "e").replace("á", "a")
        (site / f"content/drivers/{slug}.md").write_text(f"---\nname: {name}\n---\nA profile.\n", encoding="utf-8")

    for name in ("Bob Baker", "Cyd Cole", "Dee Dunn", "Eve Ernst"):
        profile(name)
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\nAnn Abel was second.\n", encoding="utf-8")
    one = check(site).output.splitlines()[-1]
    assert one == "0 errors, 1 warning, 2 notes; `cupsite check --verbose` lists them.", one
    profile("José Fábregas")
    story.write_text(story.read_text(encoding="utf-8") + "\nBob Bakker was third.\n", encoding="utf-8")
    two = check(site).output.splitlines()[-1]
    assert two == "0 errors, 2 warnings, 1 note; `cupsite check --verbose` lists them.", two


def test_counted_is_the_one_rule_for_counts():
    from cupsite.render import counted as template_filter
    from cupsite.words import counted

    assert template_filter is counted
    assert [counted(n, "warning") for n in (0, 1, 2, 1204)] == ["0 warnings", "1 warning", "2 warnings",
                                                               "1,204 warnings"]
    assert counted(1, "file") + " changed" == "1 file changed"
    assert counted(3, "person", "people") == "3 people"


def test_the_name_check_compares_a_phrase_only_with_names_that_could_be_close_enough():
    """Leaving out the names too long or too short to reach the similarity threshold, and looking
    for a phrase only in the names that share its first three letters, must never change the
    verdict: checked against a search of every name, on phrases one or two letters away from the
    names of the real 2021 F1 grid, on parts of those names and on unrelated ones."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from rapidfuzz import fuzz, process

    from cupsite.lint import SIMILARITY, _holds_a_name, _NameJudge

    names = ["Lewis Hamilton", "Max Verstappen", "Valtteri Bottas", "Sergio Perez", "Lando Norris",
             "Charles Leclerc", "Carlos Sainz", "Daniel Ricciardo", "Pierre Gasly", "Fernando Alonso",
             "Esteban Ocon", "Sebastian Vettel", "Lance Stroll", "Yuki Tsunoda", "George Russell",
             "Kimi Raikkonen", "Nicholas Latifi", "Antonio Giovinazzi", "Mick Schumacher", "Nikita Mazepin",
             "Red Bull Racing", "Mercedes", "Ferrari", "McLaren", "Alpine", "AlphaTauri", "Aston Martin",
             "Williams", "Alfa Romeo Racing", "Haas F1 Team", "Monza", "Spa"]
    known = {name.casefold(): name for name in names}
    judge = _NameJudge(known)

    def every_name(phrase: str):
        if phrase in "\n".join(known) or _holds_a_name(phrase, known):
            return None
        close = process.extractOne(phrase, list(known), scorer=fuzz.ratio, score_cutoff=SIMILARITY * 100)
        return known[close[0]] if close else None

    near = st.sampled_from(names).flatmap(lambda name: st.tuples(
        st.just(name), st.integers(0, len(name) - 1), st.sampled_from(["", "x", "ee", "k"]), st.integers(0, 2)))

    part = st.sampled_from(names).flatmap(lambda name: st.tuples(
        st.just(name), st.integers(0, len(name)), st.integers(0, len(name))))

    @settings(max_examples=400, deadline=None)
    @given(st.one_of(near.map(lambda t: (t[0][:t[1]] + t[2] + t[0][t[1] + t[3]:]).casefold()),
                     part.map(lambda t: t[0][t[1]:t[2]].casefold()),
                     st.text("abcdefghij ", min_size=5, max_size=30)))
    def same_verdict(phrase):
        if " " not in phrase.strip() or "  " in phrase:
            return  # the check only judges runs of two or three words
        assert judge(phrase) == every_name(phrase)

    same_verdict()


def test_the_preview_counts_pages_files_and_warnings_in_words(capsys):
    """`serve`'s lines after a rebuild: "1 file changed", "1 warning", and the plurals for more;
    a note (normal) is not told at each rebuild."""
    from types import SimpleNamespace

    from cupsite.console import PreviewConsole
    from cupsite.errors import ContentError

    warning = ContentError(STORY, 12, "'Ann Abel' looks like a misspelling of 'Ann Able'", "", "warning")
    note = ContentError("content/results/cup/2024/entries.yaml", 2, "Bob Baker has no profile", "", "note")
    console = PreviewConsole()
    console.rebuilt(SimpleNamespace(problems=(), left=False, pages=1, seconds=0.1, written=("index.html",),
                                    warnings=(warning, note)))
    one = capsys.readouterr()
    assert one.out == "Rebuilt 1 page in 0.10 s; 1 file changed.\n"
    assert one.err.splitlines()[-1] == "1 warning (1 new); `cupsite check` lists them all."
    assert "no profile" not in one.err
    console.rebuilt(SimpleNamespace(problems=(), left=True, pages=2, seconds=0.2, written=("a", "b"), warnings=()))
    assert capsys.readouterr().out == "Rebuilt the 2 open pages in 0.20 s; 2 files changed.\n"


def test_a_build_counts_its_notes_in_one_line_and_lists_them_when_verbose(tmp_path):
    site = copy_site(SITES / "mini", tmp_path / "site")
    story = site / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\nAnn Abel was second.\n", encoding="utf-8")
    args = ["build", "--no-cache", "--config", str(site / "cupsite.toml")]
    quiet = CliRunner().invoke(main, args)
    assert quiet.exit_code == 0, quiet.output
    assert "warning: 'Ann Abel' looks like a misspelling of 'Ann Able'" in quiet.output
    assert "has no profile" not in quiet.output
    assert ", with 1 warning.\n" in quiet.output
    assert "5 notes; `cupsite check --verbose` lists them." in quiet.output  # the draft is left out
    verbose = CliRunner().invoke(main, [*args, "--verbose"])
    assert "note: Bob Baker has no profile" in verbose.output and "5 notes;" not in verbose.output
