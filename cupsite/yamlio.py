"""Safe YAML loading that remembers the line of every mapping.

Times such as 1:26.123 are kept as text: YAML 1.1 would read them as
base-60 numbers (86.123), which silently corrupts lap times.
"""

from __future__ import annotations

import re

import yaml

from . import steps

try:  # the C parser is several times faster; fall back where libyaml is missing
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader


class LineDict(dict):
    """A mapping from YAML with the 1-based line of its first key (and of each key)."""

    line: int | None = None
    key_lines: dict

    def line_of(self, key: str) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


class _LineLoader(_SafeLoader):
    pass


_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _NUMBER_TAGS]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}
# Whole numbers are decimal only. YAML 1.1 reads `010` as 8 (octal), `0x1A` as 26 and `1_00` as
# 100, which would turn car number 010 into car 8 without a word; written so, they stay text.
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
    list("-+0123456789"),
)
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key written twice in one mapping: YAML would keep the last silently, so `status: dsq`
    above `status: classified` would be lost without a word."""

    def __init__(self, key, first_line: int, mark):
        super().__init__(None, None, f"the key {key!r} is written twice", mark)
        self.key = key
        self.first_line = first_line  # 1-based, of the text given to the parser


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _construct_mapping(loader, node):
    # keys merged in with `<<: *defaults` may be overridden by the mapping's own keys (that is what
    # merging is for); only a key the mapping itself writes twice is a mistake
    own_count = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE_TAG)
    loader.flatten_mapping(node)
    merged_count = len(node.value) - own_count
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    own_lines: dict = {}
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        line = key_node.start_mark.line + 1
        if index >= merged_count:
            if key in own_lines:
                raise _DuplicateKey(key, own_lines[key], key_node.start_mark)
            own_lines[key] = line
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


# A content file names each value once; an alias (*name) repeats an anchored value (&name), and
# aliases of aliases multiply: nine lines of nine aliases each ("billion laughs") stand for 387
# million values. A file may add this many values through its aliases, far more than a real
# file's `<<: *defaults` on every row.
MAX_ALIASED_VALUES = 10_000


class _AliasBomb(yaml.constructor.ConstructorError):
    pass


def _check_alias_expansion(root) -> None:
    """Refuse a document whose aliases stand for more than MAX_ALIASED_VALUES values, before
    anything is built from it. A node reached a second time is an alias; the values it stands for
    are counted once per use, without walking them again."""
    sizes: dict[int, int] = {}  # by node id: the values the node stands for, itself included
    written = 0  # nodes as written in the file, each once
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if not children_done and id(node) in sizes:
            continue
        children = _children(node)
        if children_done:
            sizes[id(node)] = 1 + sum(sizes[id(child)] or 1 for child in children)  # None: a recursive alias
            written += 1
            if sizes[id(node)] - written > MAX_ALIASED_VALUES:
                raise _AliasBomb(None, None, f"the aliases (*name) of this file stand for more than "
                                 f"{MAX_ALIASED_VALUES:,} values", node.start_mark)
            continue
        sizes[id(node)] = None  # on the path: an alias back to it is recursive
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _construct_timestamp(loader, node):
    """An impossible date such as 2024-13-45 stays text, for the field check to report with its line."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class _AliasCheckingLoader(_LineLoader):
    """For a text that may hold aliases (it has a `*`): the others are spared the walk."""

    def construct_document(self, node):
        _check_alias_expansion(node)
        return super().construct_document(node)


class YamlError(Exception):
    def __init__(self, message: str, line: int | None, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint  # what to do, when it is more particular than "check the syntax"


_UNKNOWN_TAG = "could not determine a constructor for the tag"


def load_yaml(text: str, first_line: int = 1):
    """Parse YAML text; raise YamlError with a 1-based line (offset by first_line - 1)."""
    return steps.once(_parse, text, first_line, mutable=True)


def _parse(text: str, first_line: int):
    try:
        loader = _AliasCheckingLoader if "*" in text else _LineLoader
        value = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader subclass
    except _DuplicateKey as error:
        first, second = error.first_line + first_line - 1, error.problem_mark.line + first_line
        where = f"on line {first}" if first == second else f"at lines {first} and {second}"
        raise YamlError(f"the key {shown(error.key)} is written twice, {where}", second,
                        "keep the one that is right and delete the other") from None
    except _AliasBomb as error:
        raise YamlError(error.problem, error.problem_mark.line + first_line,
                        "write the values out; an alias may repeat a few values, not multiply them") from None
    except yaml.MarkedYAMLError as error:
        mark = error.context_mark or error.problem_mark  # where the broken construct began
        line = mark.line + first_line if mark is not None else None
        problem = error.problem or "malformed YAML"
        if isinstance(error, yaml.constructor.ConstructorError) and problem.startswith(_UNKNOWN_TAG):
            # !!python/object and the like: the safe loader builds no objects, and says so
            tag = problem.removeprefix(_UNKNOWN_TAG).strip().strip("'").replace("tag:yaml.org,2002:", "!!")
            raise YamlError(f"the YAML tag {tag} is not read here", line, "write a plain value: cupsite reads "
                            "text, numbers, dates, lists and mappings only") from None
        if error.context:
            problem = f"{error.context}: {problem}"
        raise YamlError(problem, line) from None
    except yaml.YAMLError as error:
        raise YamlError(str(error), None) from None
    except RecursionError:
        raise YamlError("the YAML is nested too deeply", None) from None
    return shift_lines(value, first_line - 1) if first_line != 1 else value


def shown(value, limit: int = 60) -> str:
    """A value as a message quotes it (repr), cut to about `limit` characters: a value of a
    megabyte would otherwise fill the screen, and the log, with one error."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shift_lines(value, offset: int):
    """Move every recorded line by offset (front matter starts below the opening ---)."""
    if isinstance(value, LineDict):
        if value.line is not None:
            value.line += offset
        value.key_lines = {k: v + offset for k, v in value.key_lines.items()}
        for item in value.values():
            shift_lines(item, offset)
    elif isinstance(value, list):
        for item in value:
            shift_lines(item, offset)
    return value
