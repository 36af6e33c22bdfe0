"""Reading scenario files: safe YAML with line numbers, `extends:` merging, validation.

Every problem is reported at once as ``FILE:LINE: dotted.path: message`` (a
:class:`~tradecalc.errors.Problem`), so a user fixes a file in one pass.
"""

from __future__ import annotations

import os
import typing
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from tradecalc.errors import Problem, ScenarioError
from tradecalc.scenario import (
    Loc,
    Scenario,
    did_you_mean,
    dotted,
    must_be_sourced,
    provenance_items,
    semantic_problems,
)

MAX_FILE_BYTES = 5_000_000
MAX_NODES = 50_000
"""Cap on YAML nodes after alias expansion: a "billion laughs" document stops here, fast."""

KEYED_LISTS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("deals",): ("name",),
    ("baseline", "flows"): ("direction", "sector"),
    ("pta", "lines"): ("direction", "sector"),
    ("sources",): ("id",),
}
"""Lists whose items `extends:` merges by key instead of replacing the whole list."""

FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (several times faster), with the same safe constructors."""

_MAP_TAGS = {"tag:yaml.org,2002:map"}
_SEQ_TAGS = {"tag:yaml.org,2002:seq"}

Pos = tuple[str, "int | None"]


class Doc(dict):
    """A YAML mapping that remembers where each of its keys was written."""

    def __init__(self, *args, pos: dict | None = None, here: Pos | None = None):
        super().__init__(*args)
        self.pos: dict = dict(pos or {})
        self.here = here


class DocList(list):
    """A YAML sequence that remembers where each of its items was written."""

    def __init__(self, *args, pos: list | None = None, here: Pos | None = None):
        super().__init__(*args)
        self.pos: list = list(pos or [])
        self.here = here


def display_name(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def parse_yaml(text: str, file: str, loader_class=FastSafeLoader) -> Doc:
    """Parse one YAML document safely into a :class:`Doc`; raise ScenarioError on any problem.

    Syntax errors are re-parsed with PyYAML's pure-Python loader so that messages read the
    same whether or not PyYAML was built with libyaml.
    """
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(file, 1, "", "empty file: expected a scenario mapping")])
        if not isinstance(node, yaml.MappingNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            line = node.start_mark.line + 1
            raise ScenarioError(
                [Problem(file, line, "", f"expected a mapping of keys, got {kind}")]
            )
        return _build(node, loader, file, [MAX_NODES], ())
    except yaml.MarkedYAMLError as error:
        if loader_class is not yaml.SafeLoader:
            return parse_yaml(text, file, yaml.SafeLoader)
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        raise ScenarioError([Problem(file, line, "", f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(file, None, "", f"YAML error: {error}")]) from None
    finally:
        loader.dispose()


def _build(node, loader, file: str, budget: list[int], loc: Loc):
    budget[0] -= 1
    if budget[0] < 0:
        raise ScenarioError(
            [
                Problem(
                    file,
                    node.start_mark.line + 1,
                    dotted(loc),
                    f"document too large: more than {MAX_NODES:,} values after expanding aliases",
                )
            ]
        )
    here = (file, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        _check_tag(node, _MAP_TAGS, file, loc)
        loader.flatten_mapping(node)  # `<<: *anchor` merge keys
        out = Doc(here=here)
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader, file, loc)
            key_loc = (*loc, str(key))
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise ScenarioError(
                    [
                        Problem(
                            file,
                            key_node.start_mark.line + 1,
                            dotted(loc),
                            f"key {key!r} is not text",
                        )
                    ]
                )
            if key in out:
                raise ScenarioError(
                    [Problem(file, key_node.start_mark.line + 1, dotted(key_loc), "duplicate key")]
                )
            out[key] = _build(value_node, loader, file, budget, key_loc)
            out.pos[key] = (file, key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        _check_tag(node, _SEQ_TAGS, file, loc)
        out = DocList(here=here)
        for i, item in enumerate(node.value):
            out.append(_build(item, loader, file, budget, (*loc, i)))
            out.pos.append((file, item.start_mark.line + 1))
        return out
    return _scalar(node, loader, file, loc)


def _check_tag(node, allowed: set[str], file: str, loc: Loc) -> None:
    if node.tag not in allowed:
        raise ScenarioError(
            [
                Problem(
                    file,
                    node.start_mark.line + 1,
                    dotted(loc),
                    f"YAML tag {node.tag!r} is not allowed",
                )
            ]
        )


def _scalar(node, loader, file: str, loc: Loc):
    if not isinstance(node, yaml.ScalarNode):
        raise ScenarioError(
            [Problem(file, node.start_mark.line + 1, dotted(loc), "a key must be text")]
        )
    try:
        return loader.construct_object(node)
    except yaml.constructor.ConstructorError:
        raise ScenarioError(
            [
                Problem(
                    file,
                    node.start_mark.line + 1,
                    dotted(loc),
                    f"YAML tag {node.tag!r} is not allowed",
                )
            ]
        ) from None


def read_text(path: Path, file: str, cited_at: Problem | None = None) -> str:
    """Read a UTF-8 file, turning every OS or decoding failure into a ScenarioError."""
    where = cited_at or Problem(file, None, "", "")
    what = f"cannot read {file}" if cited_at else "cannot read file"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([_replace(where, f"{what}: no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError([_replace(where, f"{what}: is a directory")]) from None
    except OSError as error:
        raise ScenarioError([_replace(where, f"{what}: {error.strerror}")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError([_replace(where, f"file is larger than {MAX_FILE_BYTES:,} bytes")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ScenarioError(
            [Problem(file, line, "", f"not UTF-8 text (byte 0x{data[error.start]:02x})")]
        ) from None


def _replace(problem: Problem, message: str) -> Problem:
    return Problem(problem.file, problem.line, problem.path, message)


def load_tree(path: Path, text: str | None = None, file: str | None = None, _chain=()) -> Doc:
    """Parse a scenario and the files it `extends:`, merged into one :class:`Doc`."""
    file = file or display_name(path)
    if text is None:
        text = read_text(path, file)
    doc = parse_yaml(text, file)
    parent_ref = doc.pop("extends", None)
    extends_at = Problem(file, doc.pos.pop("extends", (file, None))[1], "extends", "")
    if parent_ref is None:
        return doc
    if not isinstance(parent_ref, str) or not parent_ref:
        raise ScenarioError([_replace(extends_at, "must be a file path")])
    parent = (path.parent / parent_ref).resolve()
    chain = (*_chain, path.resolve())
    if parent in chain:
        names = " -> ".join(display_name(p) for p in (*chain, parent))
        raise ScenarioError([_replace(extends_at, f"cycle: {names}")])
    parent_file = display_name(parent)
    parent_text = read_text(parent, parent_file, cited_at=extends_at)
    return merge(load_tree(parent, parent_text, parent_file, chain), doc)


def merge(parent, child, loc: tuple[str, ...] = ()):
    """Deep-merge ``child`` over ``parent``: mappings merge, keyed lists merge by key."""
    if isinstance(parent, dict) and isinstance(child, dict):
        out = Doc(parent, pos=getattr(parent, "pos", {}), here=getattr(child, "here", None))
        for key, value in child.items():
            out[key] = merge(parent[key], value, (*loc, key)) if key in parent else value
            out.pos[key] = child.pos[key]
        return out
    if loc in KEYED_LISTS and isinstance(parent, list) and isinstance(child, list):
        return _merge_keyed(parent, child, KEYED_LISTS[loc], loc)
    return child


def _merge_keyed(parent: DocList, child: DocList, fields: tuple[str, ...], loc) -> DocList:
    def key_of(item):
        return tuple(item.get(f) for f in fields) if isinstance(item, dict) else None

    out = DocList(parent, pos=parent.pos, here=child.here)
    index = {key_of(item): i for i, item in enumerate(out) if key_of(item) is not None}
    for item, pos in zip(child, child.pos, strict=True):
        key = key_of(item)
        if key is not None and key in index:
            out[index[key]] = merge(out[index[key]], item, (*loc, "item"))
            out.pos[index[key]] = pos
        else:
            out.append(item)
            out.pos.append(pos)
    return out


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


def locate(tree: Doc, loc: Loc) -> Pos:
    """The file and line written for ``loc``, or for its nearest written ancestor."""
    node, pos = tree, tree.here
    for part in loc:
        if isinstance(node, Doc) and part in node:
            pos, node = node.pos.get(part, pos), node[part]
        elif isinstance(node, DocList) and isinstance(part, int) and 0 <= part < len(node):
            pos, node = node.pos[part], node[part]
        else:
            break
    return pos


def validate_tree(tree: Doc, default_file: str) -> Scenario:
    """Validate a merged tree into a :class:`Scenario`, reporting every problem with its line."""
    try:
        scenario = Scenario.model_validate(tree)
    except ValidationError as error:
        problems = [_pydantic_problem(tree, e, default_file) for e in error.errors()]
        raise ScenarioError(_sorted(problems)) from None
    problems = [
        _problem(tree, loc, message, default_file) for loc, message in semantic_problems(scenario)
    ]
    if problems:
        raise ScenarioError(_sorted(problems))
    return scenario


def load_scenario(path: str | os.PathLike, text: str | None = None) -> Scenario:
    """Load, merge and validate a scenario file.

    Parameters
    ----------
    path : str or path-like
        The scenario file. With ``text`` given, ``path`` only names it in messages and anchors
        ``extends:`` (e.g. ``"-"`` for standard input, relative to the working directory).
    text : str, optional
        YAML text to use instead of reading ``path``.

    Raises
    ------
    ScenarioError
        With every problem found, each as ``FILE:LINE: dotted.path: message``.
    """
    return load_with_tree(path, text)[0]


def load_with_tree(path: str | os.PathLike, text: str | None = None) -> tuple[Scenario, Doc]:
    """:func:`load_scenario`, also returning the merged tree that knows every line."""
    path = Path(path)
    file = "<stdin>" if str(path) == "-" else display_name(path)
    anchor = Path.cwd() / "-" if str(path) == "-" else path
    tree = strip_nulls(load_tree(anchor, text, file))
    return validate_tree(tree, file), tree


def strict_problems(scenario: Scenario, tree: Doc) -> list[Problem]:
    """Flows and deals with neither `source:` nor `assumption:` (``validate --strict``)."""
    return [
        _problem(tree, loc, "no source or assumption given", tree.here[0])
        for loc, item in provenance_items(scenario)
        if must_be_sourced(loc) and item.source is None and item.assumption is None
    ]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.path))


def _problem(tree: Doc, loc: Loc, message: str, default_file: str) -> Problem:
    file, line = locate(tree, loc) or (default_file, None)
    return Problem(file, line, dotted(loc), message)


def _pydantic_problem(tree: Doc, error: dict, default_file: str) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), _fields_at(loc[:-1]))
        message = f"unknown key{hint}"
    elif kind == "missing":
        message = "required key is missing"
    else:
        message = error["msg"]
        message = message[0].lower() + message[1:]
        value = error.get("input")
        if isinstance(value, str | int | float | bool) or value is None:
            message += f", got {value!r}"
        elif isinstance(value, dict):
            message += ", got a mapping"
        elif isinstance(value, list):
            message += ", got a list"
    return _problem(tree, loc, message, default_file)


def _fields_at(loc: Loc) -> list[str]:
    """Field names of the model that sits at ``loc`` in a Scenario (for "did you mean")."""
    model: typing.Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = _model_in(field.annotation)
    return list(model.model_fields) if _is_model(model) else []


def _is_model(kind) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _model_in(annotation):
    """The pydantic model inside ``X | None`` or ``list[X]``, else the annotation itself."""
    if _is_model(annotation):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if _is_model(found):
            return found
    return annotation
