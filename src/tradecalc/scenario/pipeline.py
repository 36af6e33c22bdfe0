"""The input pipeline: a scenario file (or its text) and `--set` overrides in, the validated
:class:`~tradecalc.scenario.models.Scenario` and its line map out (:func:`read_scenario`).

Every problem is reported at once as ``FILE:LINE: dotted.path: message`` (a
:class:`~tradecalc.core.errors.Problem`), so a user fixes a file in one pass. The top of
:mod:`tradecalc.scenario`: each step lives in the module below that owns it (reading in
:mod:`~tradecalc.scenario.yamlread`, overrides in :mod:`~tradecalc.scenario.overrides`,
validation in :mod:`~tradecalc.scenario.validation`), and only `extends:` merging is here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, NoReturn

from tradecalc.core.errors import Problem
from tradecalc.scenario.datafile_reader import check_parent
from tradecalc.scenario.lines import locate, overridden_items
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.overrides import Override, apply_overrides, parse_overrides
from tradecalc.scenario.productfile import anchor
from tradecalc.scenario.validation import strict_problems, validated, warning_problems
from tradecalc.scenario.yamlread import (
    Doc,
    DocList,
    display_name,
    fail,
    parse_mapping,
    read_text,
    strip_nulls,
)

__all__ = [
    "KEYED_LISTS",
    "MAX_EXTENDS",
    "Loaded",
    "display_name",
    "load_scenario",
    "load_tree",
    "load_with_tree",
    "locate",
    "merge",
    "overridden_items",
    "read_merged_tree",
    "read_scenario",
    "strict_problems",
    "validate_tree",
    "validate_with_overrides",
    "warning_problems",
]


class Loaded(NamedTuple):
    """A validated scenario and its merged tree, which knows where every value was written."""

    scenario: Scenario
    tree: Doc


def read_scenario(
    path: str | os.PathLike, text: str | None = None, overrides: Sequence[str] = ()
) -> Loaded:
    """Read, merge, override and validate a scenario: the one way a scenario comes in.

    Each step runs once, in this order; the first that fails raises ScenarioError (the last
    with every problem it finds):

    1. parse the ``--set`` overrides (a malformed one fails before any file is read);
    2. name the source (``"-"`` is standard input, given as ``text``);
    3. read it with line numbers and merge the files it `extends:`;
    4. drop keys set to null (`key: null` removes what a parent set);
    5. apply the overrides;
    6. validate: fields, then the rules across fields, each problem at its line.

    The result unpacks as ``scenario, tree``. Plausibility warnings are the caller's to
    report: ``warning_problems(*loaded)``.
    """
    changes = parse_overrides(overrides)
    source, text, file = _source(path, text)
    tree = load_tree(source, text, file)
    tree = strip_nulls(tree)
    tree = apply_overrides(tree, changes)
    scenario = validate_tree(tree, tree.here[0])
    return Loaded(scenario, tree)


def _source(path: str | os.PathLike, text: str | None) -> tuple[Path, str | None, str]:
    """The path to read (and to resolve `extends:` from), its text if given, its display name.

    ``"-"`` names standard input: its text is ``text`` and its `extends:` is relative to the
    working directory.
    """
    path = Path(path)
    if str(path) == "-":
        return Path.cwd() / "-", text or "", "<stdin>"
    return path, text, display_name(path)


def validate_tree(tree: Doc, default_file: str) -> Scenario:
    """Validate a merged tree into a :class:`Scenario`, reporting every problem with its line."""
    return validated(Scenario, tree, default_file)


def read_merged_tree(path: str | os.PathLike, text: str | None = None) -> Doc:
    """Steps 2-4 of :func:`read_scenario`: the tree with `extends:` merged, nulls dropped,
    unvalidated (one file alone: :func:`~tradecalc.scenario.datafile_reader.read_file_tree`)."""
    return strip_nulls(load_tree(*_source(path, text)))


def validate_with_overrides(tree: Doc, overrides: Sequence[Override] = ()) -> Loaded:
    """Steps 5-6 of :func:`read_scenario` on a tree from :func:`read_merged_tree` (sweeps, goal
    seek)."""
    tree = apply_overrides(tree, overrides)
    return Loaded(validate_tree(tree, tree.here[0]), tree)


def load_with_tree(
    path: str | os.PathLike, text: str | None = None, overrides: Sequence[str] = ()
) -> Loaded:
    """:func:`load_scenario`, also returning the merged tree that knows every line."""
    return read_scenario(path, text, overrides)


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
    return read_scenario(path, text, overrides).scenario


KEYED_LISTS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("deals",): ("name",),
    ("baseline", "flows"): ("direction", "sector"),
    ("pta", "lines"): ("direction", "sector"),
    ("tariff_changes",): ("name",),
    ("history",): ("year", "reporter", "period"),
    ("sources",): ("id",),
}
"""Lists whose items `extends:` merges by key instead of replacing the whole list."""

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
    anchor(doc, path)  # a data file's `products.file` is beside the data file
    parent_ref = doc.pop("extends", None)
    extends_line = doc.pos.pop("extends", (file, None))[1]
    if parent_ref is None:
        return doc
    chain = (*_chain, (_identity(path), path))
    cited = Problem(file, extends_line, "extends", "")
    parent, parent_text = _read_parent(path, parent_ref, cited, chain)
    parent_tree = load_tree(parent, parent_text, display_name(parent), chain)
    check_parent(strip_nulls(parent_tree))
    return merge(parent_tree, doc)


def _read_parent(path: Path, ref, cited: Problem, chain: tuple) -> tuple[Path, str]:
    """The file that ``path``'s `extends:` names (its real path) and its text.

    ``cited`` is the `extends:` line, where every refusal is reported; ``chain`` holds the
    (identity, path) of each file read so far, ``path`` last.
    """

    def refuse(message: str) -> NoReturn:
        fail(cited.file, cited.line, "extends", message)

    if not isinstance(ref, str) or not ref:
        refuse("must be a file path")
    if "\0" in ref:
        refuse("the path contains a NUL character")
    if len(chain) >= MAX_EXTENDS:
        refuse(f"more than {MAX_EXTENDS} files deep")
    named = path.parent / ref  # opened as written: /dev/stdin is refused by name
    text = read_text(named, display_name(named), cited, regular_only=True)
    parent = Path(os.path.realpath(named))  # its own `extends:` is relative to where it is
    here = _identity(parent)
    if here is not None and here in {identity for identity, _ in chain}:
        names = " -> ".join(display_name(p) for p in (*(p for _, p in chain), parent))
        refuse(f"cycle: {names}")
    return parent, text


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode): the same file whatever path or link names it."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def merge(parent, child, loc: tuple[str, ...] = ()):
    """Deep-merge ``child`` over ``parent``: mappings merge, keyed lists merge by key."""
    if isinstance(parent, dict) and isinstance(child, Doc):  # trees read by parse_yaml
        out = Doc(parent, pos=getattr(parent, "pos", {}), here=child.here)
        for key, value in child.items():
            out[key] = merge(parent[key], value, (*loc, key)) if key in parent else value
            out.pos[key] = child.pos[key]
        return out
    if loc in KEYED_LISTS and isinstance(parent, DocList) and isinstance(child, DocList):
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
