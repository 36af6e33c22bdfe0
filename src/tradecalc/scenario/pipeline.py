"""Loading scenarios: `extends:` merging, `--set` overrides, validation with line numbers.

Every problem is reported at once as ``FILE:LINE: dotted.path: message`` (a
:class:`~tradecalc.errors.Problem`), so a user fixes a file in one pass.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.scenario.models import (
    CODE_PATTERN,
    DIRECTION_PATTERN,
    Loc,
    Scenario,
    did_you_mean,
    dotted,
    is_model,
    model_in,
    must_be_sourced,
    provenance_items,
)
from tradecalc.scenario.overrides import Override
from tradecalc.scenario.rules import plausibility_warnings, semantic_problems
from tradecalc.scenario.yamlread import (
    Doc,
    DocList,
    Pos,
    fail,
    parse_mapping,
    read_text,
    strip_nulls,
)

KEYED_LISTS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("deals",): ("name",),
    ("baseline", "flows"): ("direction", "sector"),
    ("pta", "lines"): ("direction", "sector"),
    ("tariff_changes",): ("name",),
    ("history",): ("year", "reporter", "period"),
    ("sources",): ("id",),
}
"""Lists whose items `extends:` merges by key instead of replacing the whole list."""


PATTERN_MESSAGES = {
    DIRECTION_PATTERN: (
        "must be <a>_to_<b> from the two economies' codes in lower case, e.g. pak_to_aze"
    ),
    CODE_PATTERN: ("must be an upper-case code, ISO 3166 alpha-3 where one exists, e.g. PAK"),
}
"""Plain words for the patterns a scenario's strings must match."""


def display_name(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


MAX_EXTENDS = 32
"""Files in one `extends:` chain at most: a real chain has two or three."""


def load_tree(path: Path, text: str | None = None, file: str | None = None, _chain=()) -> Doc:
    """Parse a scenario and the files it `extends:`, merged into one :class:`Doc`.

    Parents must be regular files; a chain longer than :data:`MAX_EXTENDS` or one that comes
    back to a file already read (through any path or symbolic link) is refused.
    """
    file = file or display_name(path)
    if text is None:
        text = read_text(path, file)
    doc = parse_mapping(text, file)
    parent_ref = doc.pop("extends", None)
    extends_line = doc.pos.pop("extends", (file, None))[1]
    if parent_ref is None:
        return doc
    if not isinstance(parent_ref, str) or not parent_ref:
        fail(file, extends_line, "extends", "must be a file path")
    if "\0" in parent_ref:
        fail(file, extends_line, "extends", "the path contains a NUL character")
    chain = (*_chain, (_identity(path), path))
    if len(chain) >= MAX_EXTENDS:
        fail(file, extends_line, "extends", f"more than {MAX_EXTENDS} files deep")
    named = path.parent / parent_ref  # opened as written: /dev/stdin is refused by name
    parent_file = display_name(named)
    cited = Problem(file, extends_line, "extends", "")
    parent_text = read_text(named, parent_file, cited, regular_only=True)
    parent = Path(os.path.realpath(named))  # its own `extends:` is relative to where it is
    parent_file = display_name(parent)
    here = _identity(parent)
    if here is not None and here in {identity for identity, _ in chain}:
        names = " -> ".join(display_name(p) for p in (*(p for _, p in chain), parent))
        fail(file, extends_line, "extends", f"cycle: {names}")
    return merge(load_tree(parent, parent_text, parent_file, chain), doc)


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode): the same file whatever path or link names it."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


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
    """Merge child items into parent items with the same key, the n-th with the n-th.

    Two PTA lines on one flow share a key: the child's first such line merges into the
    parent's first, its second into the parent's second, and any more are added.
    """

    def key_of(item):
        if not isinstance(item, dict):
            return None
        key = tuple(item.get(f) for f in fields)
        # a list or mapping where a name belongs is invalid: validation reports it, unmerged
        return key if all(isinstance(k, str | int | float | None) for k in key) else None

    out = DocList(parent, pos=parent.pos, here=child.here)
    slots: dict = {}  # key -> parent positions with that key, in order
    for i, item in enumerate(parent):
        if key_of(item) is not None:
            slots.setdefault(key_of(item), []).append(i)
    for item, pos in zip(child, child.pos, strict=True):
        free = slots.get(key_of(item)) if key_of(item) is not None else None
        if free:
            i = free.pop(0)
            out[i], out.pos[i] = merge(out[i], item, (*loc, "item")), pos
        else:
            out.append(item)
            out.pos.append(pos)
    return out


_MISSING = object()


def _child(node, part):
    """The value at ``part`` of a mapping or list and where it was written, or ``_MISSING``."""
    if isinstance(node, Doc) and part in node:
        return node[part], node.pos.get(part)
    if isinstance(node, DocList) and isinstance(part, int) and 0 <= part < len(node):
        return node[part], node.pos[part]
    return _MISSING, None


def locate(tree: Doc, loc: Loc) -> Pos:
    """The file and line written for ``loc``, or for its nearest written ancestor."""
    node, pos = tree, tree.here
    for part in loc:
        node, where = _child(node, part)
        if node is _MISSING:
            break
        pos = where or pos
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


def read_tree(path: str | os.PathLike, text: str | None = None) -> Doc:
    """Read a scenario and its `extends:` chain into one merged tree, nulls dropped, unvalidated.

    ``path`` ``"-"`` names standard input (``text``), with `extends:` relative to the
    working directory.
    """
    path = Path(path)
    if str(path) == "-":
        return strip_nulls(load_tree(Path.cwd() / "-", text or "", "<stdin>"))
    return strip_nulls(load_tree(path, text, display_name(path)))


def resolve(tree: Doc, overrides: Sequence[Override] = ()) -> tuple[Scenario, Doc]:
    """Apply overrides to a merged tree and validate it; returns the scenario and final tree."""
    for override in overrides:
        tree = override.apply(tree)
    return validate_tree(tree, tree.here[0]), tree


def load_with_tree(
    path: str | os.PathLike, text: str | None = None, overrides: Sequence[str] = ()
) -> tuple[Scenario, Doc]:
    """:func:`load_scenario`, also returning the merged tree that knows every line."""
    parsed = [Override.parse(o) for o in overrides]
    return resolve(read_tree(path, text), parsed)


def load_scenario(
    path: str | os.PathLike, text: str | None = None, overrides: Sequence[str] = ()
) -> Scenario:
    """Load, merge, override and validate a scenario file.

    Parameters
    ----------
    path : str or path-like
        The scenario file; ``"-"`` for standard input (pass its ``text``; `extends:` is then
        relative to the working directory).
    text : str, optional
        YAML text to use instead of reading ``path``.
    overrides : sequence of str
        ``KEY=VALUE`` assignments applied after `extends:`, e.g. ``"pta.utilization=0.9"``
        or ``"deals.0.probability=1"``; list items by index or by name.

    Raises
    ------
    ScenarioError
        With every problem found, each as ``FILE:LINE: dotted.path: message``.
    """
    return load_with_tree(path, text, overrides)[0]


def strict_problems(scenario: Scenario, tree: Doc) -> list[Problem]:
    """Flows and deals with neither `source:` nor `assumption:` (``validate --strict``)."""
    return [
        _problem(tree, loc, "no source or assumption given", tree.here[0])
        for loc, item in provenance_items(scenario)
        if must_be_sourced(loc) and item.source is None and item.assumption is None
    ]


def warning_problems(scenario: Scenario, tree: Doc) -> list[Problem]:
    """Plausibility warnings (percentages typed as whole numbers, a base year off the record).

    Printed on stderr without changing the exit status; ``validate --strict`` makes them
    errors.
    """
    return _sorted(
        [
            _problem(tree, loc, f"warning: {message}", tree.here[0])
            for loc, message in plausibility_warnings(scenario)
        ]
    )


def overridden_items(scenario: Scenario, tree: Doc) -> list[str]:
    """Dotted paths of the provenance items (flows, deals, ...) that an override changed.

    An override writes its label (``--set KEY=VALUE``) as the position of what it sets, so
    an item is changed when a position inside it names an option rather than a file line.
    """
    changed = []
    for loc, _ in provenance_items(scenario):
        node, here = tree, tree.here
        for part in loc:
            node, here = _child(node, part)
        if node is not _MISSING and _set_inside(node, here):
            changed.append(dotted(loc))
    return changed


def _set_inside(node, here) -> bool:
    if here is not None and here[1] is None and str(here[0]).startswith("--"):
        return True
    if isinstance(node, Doc):
        return any(_set_inside(value, node.pos.get(key)) for key, value in node.items())
    if isinstance(node, DocList):
        return any(_set_inside(value, pos) for value, pos in zip(node, node.pos, strict=False))
    return False


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
    elif kind == "string_pattern_mismatch" and error["ctx"]["pattern"] in PATTERN_MESSAGES:
        message = f"{PATTERN_MESSAGES[error['ctx']['pattern']]}, got {error['input']!r}"
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
        field = model.model_fields.get(part) if is_model(model) else None
        if field is None:
            return []
        model = model_in(field.annotation)
    return list(model.model_fields) if is_model(model) else []
