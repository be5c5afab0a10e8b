"""Markdown files with YAML front matter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import frontmatter

from ..errors import Problems
from ..steps import read_file
from ..yamlio import LineDict, YamlError, load_yaml

_HANDLER = frontmatter.YAMLHandler()


@dataclass
class Document:
    path: Path
    meta: LineDict
    body: str
    body_line: int = 1  # the file's line where the body starts


def read_text(path: Path, problems: Problems, data: bytes | OSError | None = None) -> str | None:
    """The file's text; `data`, when given, is its bytes as read already (or the error reading gave)."""
    if data is None:
        data = read_file(path)
    if isinstance(data, OSError):
        problems.add(path, None, f"cannot be read: {data.strerror}")
        return None
    if b"\x00" in data:
        problems.add(path, None, "is a binary file, not text", "move it out of content/ (images go in static/)")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.add(path, line, "is not UTF-8 text", "save the file as UTF-8")
        return None


def read_document(path: Path, problems: Problems, data: bytes | OSError | None = None) -> Document | None:
    text = read_text(path, problems, data)
    if text is None:
        return None
    text = text.replace("\r\n", "\n")
    if not _HANDLER.detect(text):
        problems.add(path, 1, "has no front matter",
                     "start the file with a line `---`, the YAML fields, and another `---`")
        return None
    try:
        raw_meta, body = _HANDLER.split(text)
    except ValueError:
        problems.add(path, 1, "the front matter is not closed", "end the front matter with a line `---`")
        return None
    try:
        meta = load_yaml(raw_meta, first_line=text[: text.index(raw_meta)].count("\n") + 1)
    except YamlError as error:
        problems.add(path, error.line, f"malformed front matter: {error.message}",
                     error.hint or "check indentation, colons and quotes (quote values that contain ': ')")
        return None
    if meta is None:
        meta = LineDict()
        meta.line = 1
    if not isinstance(meta, dict):
        problems.add(path, 2, "the front matter should be a set of `key: value` fields")
        return None
    # the library may trim the body, so find where it really starts
    start = text.rfind(body) if body else len(text)
    return Document(path, meta, body, text.count("\n", 0, start) + 1)


def read_yaml_file(path: Path, problems: Problems, empty_hint: str):
    """The file's YAML; None, with a problem, when it cannot be read or holds nothing: an empty
    calendar, entry list or classification would otherwise drop what it stands for without a word."""
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        data = load_yaml(text)
    except YamlError as error:
        problems.add(path, error.line, f"malformed YAML: {error.message}",
                     error.hint or "check indentation, colons and quotes (quote times such as \"1:26.384\")")
        return None
    if data is None:
        problems.add(path, 1, "the file is empty" if not text.strip() else "the file holds only comments",
                     empty_hint)
    return data
