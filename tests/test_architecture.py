"""The package's shape, measured (issue 22): no import cycles, the engine reached only through
the orchestrator and the commands, and modules and functions kept small. The measures are in
tests/architecture.py (`python -m tests.architecture` prints them)."""

from __future__ import annotations

from . import architecture

# The modules that may import cupsite.engine: the orchestrator (build.py) and the two commands
# that drive it (cli.py, and preview.py under `cupsite serve`). The stages see the engine only
# through cupsite/steps.py.
ENGINE_USERS = {"cupsite.build", "cupsite.cli", "cupsite.preview"}
MODULE_LINES, FUNCTION_LINES = 400, 60


def test_the_package_has_no_import_cycles():
    assert architecture.cycles(architecture.import_graph()) == []


def test_a_cycle_is_found_where_there_is_one():
    """The measure itself: a graph with a loop of three and one of two."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d", "a"}, "f": set()}
    assert architecture.cycles(graph) == [["a", "b", "c"], ["d", "e"]]


def test_no_stage_imports_the_engine():
    graph = architecture.import_graph()
    users = {name for name, targets in graph.items() if not name.startswith("cupsite.engine")
             and any(target.startswith("cupsite.engine") for target in targets)}
    assert users <= ENGINE_USERS
    assert "cupsite.build" in users  # the measure sees imports at all


def test_no_module_is_longer_than_the_limit():
    assert architecture.long_modules(MODULE_LINES) == {}


def test_no_function_is_longer_than_the_limit():
    assert architecture.long_functions(FUNCTION_LINES) == {}


def test_the_readme_and_the_design_notes_name_every_module():
    """README's "How it works" and docs/design-notes.md are maps of the code: a module added
    without a place in them is a module nobody will find. Each names a module by its path in the
    package, as `engine/cache.py` (which `cache.py` alone would not tell from another)."""
    readme = (architecture.PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    how_it_works = readme[readme.index("## How it works"):]
    notes = (architecture.PACKAGE.parent / "docs/design-notes.md").read_text(encoding="utf-8")
    for path in architecture.modules().values():
        if path.name == "__init__.py":
            continue
        named = f"`{path.relative_to(architecture.PACKAGE).as_posix()}`"
        assert named in how_it_works, f"README's How it works does not name {named}"
        assert named in notes, f"docs/design-notes.md does not name {named}"
