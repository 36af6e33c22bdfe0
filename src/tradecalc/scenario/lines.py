"""Where each value of a merged scenario tree was written: the line of a pydantic ``loc``, a
:class:`~tradecalc.core.errors.Problem` placed there, and the items that ``--set`` changed.

A tree (:class:`~tradecalc.scenario.yamlread.Doc`) keeps, beside every key and item, the file
and line it came from, or the ``--set KEY=VALUE`` label that wrote it.
"""

from __future__ import annotations

from tradecalc.core.errors import Problem
from tradecalc.scenario.provenance import provenance_items
from tradecalc.scenario.sections import ScenarioFields
from tradecalc.scenario.terms import Loc, dotted
from tradecalc.scenario.yamlread import Doc, DocList, Pos

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


def problem_at(tree: Doc, loc: Loc, message: str, default_file: str) -> Problem:
    """``message`` as a Problem at the line where ``loc`` was written (else in ``default_file``)."""
    file, line = locate(tree, loc) or (default_file, None)
    return Problem(file, line, dotted(loc), message)


def by_line(problems: list[Problem]) -> list[Problem]:
    """Problems in the order a reader meets them: by file, line, then dotted path."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.path))


def overridden_items(scenario: ScenarioFields, tree: Doc) -> list[str]:
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
