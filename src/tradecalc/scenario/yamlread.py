"""Safe YAML reading that remembers the file and line of every key and item.

Only plain YAML types are built (``yaml.safe_load`` semantics): tags such as
``!!python/object`` are refused, and alias expansion is capped so a "billion laughs"
document fails fast instead of eating memory.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import NoReturn

import yaml

from tradecalc.core.errors import Problem, fail
from tradecalc.core.sanitize import nfc

MAX_FILE_BYTES = 5_000_000
MAX_NODES = 50_000
"""Cap on YAML nodes after alias expansion: a "billion laughs" document stops here, fast."""

FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (several times faster), with the same safe constructors."""

MAX_DEPTH = 50
"""Deepest nesting of mappings and lists: a scenario needs about five."""

_MAP_TAGS = {"tag:yaml.org,2002:map"}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_EXPONENT = re.compile(r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+$")
_SEQ_TAGS = {"tag:yaml.org,2002:seq"}

Pos = tuple[str, "int | None"]
"""Where something was written: a file (or a label such as ``--set k=v``) and a line."""


class Doc(dict):
    """A YAML mapping that remembers where each of its keys was written."""

    def __init__(self, *args, pos: dict | None = None, here: Pos):
        super().__init__(*args)
        self.pos: dict = dict(pos or {})
        self.here: Pos = here


class DocList(list):
    """A YAML sequence that remembers where each of its items was written."""

    def __init__(self, *args, pos: list | None = None, here: Pos):
        super().__init__(*args)
        self.pos: list = list(pos or [])
        self.here: Pos = here


def parse_yaml(text: str, file: str, *, lines: bool = True, loader_class=FastSafeLoader):
    """Parse one YAML document into :class:`Doc`/:class:`DocList`/scalars, or None if empty.

    ``lines=False`` records no line numbers (for text typed on the command line). Syntax
    errors are re-parsed with PyYAML's pure-Python loader so that messages read the same
    whether or not PyYAML was built with libyaml (a character YAML may not hold is then
    reported even after a syntax error: PyYAML's reader checks the whole text first).
    """
    loader = None
    try:
        loader = loader_class(text)  # PyYAML's own reader checks every character here
        node = loader.get_single_node()
        return None if node is None else _Builder(loader, file, lines).build(node, "")
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" in str(error.problem):  # libyaml's own limit, 1,000 levels
            _refuse_depth(text, file, lines)
        if loader_class is not yaml.SafeLoader:
            return parse_yaml(text, file, lines=lines, loader_class=yaml.SafeLoader)
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None and lines else None
        problem = error.problem or error.context or "invalid YAML"
        column = f" (column {mark.column + 1})" if mark is not None and lines else ""
        fail(file, line, "", f"YAML syntax error: {problem}{column}")
    except yaml.reader.ReaderError as error:
        _refuse_character(text, file, error, lines)
    except yaml.YAMLError as error:
        fail(file, None, "", f"YAML error: {' '.join(str(error).split())}")
    except RecursionError:
        _refuse_depth(text, file, lines)
    finally:
        if loader is not None:
            loader.dispose()


def _refuse_depth(text: str, file: str, lines: bool) -> NoReturn:
    line, column = _too_deep(text) if lines else (None, None)
    where = f" (column {column})" if column else ""
    fail(file, line, "", f"nested more than {MAX_DEPTH} levels deep{where}")


_CONTROL_NAMES = (
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "TAB",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
)
"""The ASCII names of the 32 C0 control characters, by code."""


def describe_character(char: str) -> str:
    """``U+001B (ESC, a control character)``, ``U+FFFE (a noncharacter)``: for a message.

    >>> describe_character("\\x00"), describe_character("\\x7f")
    ('U+0000 (NUL, a control character)', 'U+007F (DEL, a control character)')
    """
    import unicodedata

    code = ord(char)
    if code < 0x20:
        return f"U+{code:04X} ({_CONTROL_NAMES[code]}, a control character)"
    if code == 0x7F or 0x80 <= code < 0xA0:
        name = "DEL" if code == 0x7F else "C1"
        return f"U+{code:04X} ({name}, a control character)"
    name = unicodedata.name(char, "")
    return f"U+{code:04X} ({name.lower() if name else 'a noncharacter or unassigned'})"


def _refuse_character(text: str, file: str, error, lines: bool) -> NoReturn:
    """A character YAML may not hold, raw: its line, column and name (never the raw byte)."""
    position = error.position if isinstance(error.position, int) else 0
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    char = error.character if isinstance(error.character, str) else chr(error.character)
    code = ord(char)
    escaped = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    message = (
        f"the character {describe_character(char)} at column {column} is not allowed in YAML: "
        f'remove it, or write it as {escaped} inside double quotes ("...")'
    )
    fail(file, line if lines else None, "", message)


def _too_deep(text: str) -> tuple[int | None, int | None]:
    """Line and column where the nesting first goes past MAX_DEPTH (found by the event parser,
    which keeps no stack of Python frames), or Nones."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):  # libyaml scans ahead
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                mark = event.start_mark  # the parser marks every event
                if depth > MAX_DEPTH and mark is not None:
                    return mark.line + 1, mark.column + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return None, None


def parse_mapping(text: str, file: str) -> Doc:
    """Parse a document that must be a mapping (a scenario file)."""
    doc = parse_yaml(text, file)
    if doc is None:
        fail(file, 1, "", "empty file: expected a scenario mapping")
    if not isinstance(doc, Doc):
        kind, line = ("a list", doc.here[1]) if isinstance(doc, DocList) else ("a single value", 1)
        fail(file, line, "", f"expected a mapping of keys, got {kind}")
    return doc


class _Builder:
    def __init__(self, loader, file: str, lines: bool):
        self.loader, self.file, self.lines = loader, file, lines
        self.budget = MAX_NODES

    def pos(self, node) -> Pos:
        return (self.file, node.start_mark.line + 1 if self.lines else None)

    def fail(self, node, path: str, message: str) -> NoReturn:
        fail(*self.pos(node), path, message)

    def build(self, node, path: str, depth: int = 0):
        self.budget -= 1
        if self.budget < 0:
            self.fail(
                node,
                path,
                f"document too large: more than {MAX_NODES:,} values after expanding aliases",
            )
        if depth > MAX_DEPTH:  # also stops an alias that contains itself
            self.fail(node, path, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, _SEQ_TAGS, path)
            out = DocList(here=self.pos(node))
            for i, item in enumerate(node.value):
                out.append(self.build(item, f"{path}.{i}" if path else str(i), depth + 1))
                out.pos.append(self.pos(item))
            return out
        return self.scalar(node, path)

    def mapping(self, node, path: str, depth: int) -> Doc:
        self.check_tag(node, _MAP_TAGS, path)
        own = {id(key) for key, _ in node.value if key.tag != _MERGE_TAG}
        self.loader.flatten_mapping(node)  # `<<: *anchor` merge keys, put first
        out = Doc(here=self.pos(node))
        merged: set = set()
        for key_node, value_node in node.value:
            key = self.scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int) or isinstance(key, bool):
                self.fail(key_node, path, "a key must be text")
            key_path = f"{path}.{key}" if path else str(key)
            if key in out:
                if id(key_node) not in own:
                    continue  # an earlier merge wins over a later one (YAML merge key spec)
                if key not in merged:
                    self.fail(key_node, key_path, "duplicate key")
            out[key] = self.build(value_node, key_path, depth + 1)
            out.pos[key] = self.pos(key_node)
            if id(key_node) in own:
                merged.discard(key)  # the mapping's own key overrides a merged one
            else:
                merged.add(key)
        return out

    def check_tag(self, node, allowed: set[str], path: str) -> None:
        if node.tag not in allowed:
            self.fail(node, path, f"YAML tag {node.tag!r} is not allowed")

    def scalar(self, node, path: str):
        if node.tag == _STR_TAG and not node.style and _EXPONENT.match(node.value):
            return float(node.value)  # YAML 1.1 reads a plain 1e3 as text; people mean 1000
        try:
            value = self.loader.construct_object(node)
        except yaml.constructor.ConstructorError:
            self.fail(node, path, f"YAML tag {node.tag!r} is not allowed")
        except (ValueError, OverflowError) as error:  # e.g. 2024-02-30, a 5,000-digit int
            self.fail(node, path, f"cannot read {node.value[:40]!r}: {error}")
        except Exception:  # PyYAML's own slips on odd tagged scalars: !!bool maybe, !!int ""
            kind = node.tag.rpartition(":")[2]
            self.fail(node, path, f"cannot read {node.value[:40]!r} as {kind}")
        return nfc(value) if isinstance(value, str) else value  # one form of "Café"


def strip_nulls(value):
    """Drop mapping keys set to null: in a child file, `key: null` removes what it inherits."""
    if isinstance(value, Doc):
        return Doc(
            {k: strip_nulls(v) for k, v in value.items() if v is not None},
            pos=value.pos,
            here=value.here,
        )
    if isinstance(value, DocList):
        return DocList([strip_nulls(v) for v in value], pos=value.pos, here=value.here)
    return value


def decode(data: bytes, file: str) -> str:
    """UTF-8 text of a file's bytes, or a ScenarioError naming the line of the bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        fail(file, line, "", f"not UTF-8 text (byte 0x{data[error.start]:02x})")


def display_name(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def read_limited(stream, file: str, where: Problem | None = None) -> bytes:
    """Read at most MAX_FILE_BYTES from a binary stream (a file, standard input)."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        where = where or Problem(file, None, "", "")
        fail(where.file, where.line, where.path, f"larger than {MAX_FILE_BYTES:,} bytes")
    return data


def read_text(
    path: Path, file: str, cited_at: Problem | None = None, *, regular_only: bool = False
) -> str:
    """Read a UTF-8 file, turning every OS or decoding failure into a ScenarioError.

    ``cited_at`` is where another file names this one (its `extends:` line): problems are
    reported there. ``regular_only`` refuses FIFOs, devices and sockets before reading a
    byte, so `extends: /dev/stdin` or a named pipe cannot make tradecalc wait forever.
    """
    where = cited_at or Problem(file, None, "", "")
    what = f"cannot read {file}" if cited_at else "cannot read file"

    def cannot(reason: str):
        fail(where.file, where.line, where.path, f"{what}: {reason}")

    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOCTTY | (os.O_NONBLOCK if regular_only else 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        cannot("no such file")
    except ValueError:
        cannot("the path contains a NUL character")
    except OSError as error:
        cannot(_os_reason(error))
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode) or (regular_only and not stat.S_ISREG(mode)):
        os.close(fd)
        cannot("is a directory" if stat.S_ISDIR(mode) else f"not a regular file ({_kind(mode)})")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = read_limited(handle, file, where)
        except OSError as error:
            cannot(_os_reason(error))
    return decode(data, file)


def _os_reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "too many levels of symbolic links (a symlink loop?)"
    return error.strerror or str(error)


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a file"
