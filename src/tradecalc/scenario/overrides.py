"""`--set KEY=VALUE` overrides, and what the Scenario model allows for a numeric field.

Above :mod:`~tradecalc.scenario.models` (it reads the Scenario model's fields and bounds) and
below :mod:`~tradecalc.scenario.pipeline`, whose fifth step is :func:`apply_overrides`.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tradecalc.core.errors import fail
from tradecalc.core.sanitize import nfc
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.terms import did_you_mean, dotted, is_model, model_in
from tradecalc.scenario.yamlread import Doc, DocList, Pos, parse_yaml, strip_nulls


@dataclass(frozen=True)
class Override:
    """One ``--set KEY=VALUE``: a dotted path (list items by index or name) and a YAML value."""

    parts: tuple[str, ...]
    value: Any
    label: str

    @classmethod
    def parse(cls, assignment: str, option: str = "--set") -> Override:
        label = f"{option} {assignment}"
        key, sep, raw = assignment.partition("=")
        parts = tuple(nfc(key.strip()).split("."))
        if not sep or not all(parts):
            fail(label, None, "", "expected KEY=VALUE with a dotted KEY, e.g. pta.utilization=0.9")
        if parts[0] == "extends":
            fail(label, None, "extends", "cannot be overridden")
        return cls(parts, parse_yaml(raw, label, lines=False), label)

    def apply(self, tree: Doc) -> Doc:
        """A copy of ``tree`` with the value set (only the nodes on the path are copied)."""
        return typing.cast(Doc, self._set(tree, self.parts, ()))  # a mapping stays a mapping

    def current(self, tree: dict):
        """The value at this override's path in ``tree`` (None where unset)."""
        node: Any = tree
        done: tuple = ()
        for part in self.parts:
            if isinstance(node, list):
                index = self._index(node, part, done)
                node, done = node[index], (*done, index)
            elif isinstance(node, dict):
                node, done = node.get(part), (*done, part)
            else:
                return None
        return node

    def _set(self, node, parts: tuple[str, ...], done: tuple) -> Doc | DocList:
        head, rest = parts[0], parts[1:]
        where: Pos = (self.label, None)
        if isinstance(node, DocList):
            index = self._index(node, head, done)
            items = DocList(node, pos=node.pos, here=node.here)
            if rest:
                items[index] = self._set(node[index], rest, (*done, index))
            elif self.value is None:
                fail(self.label, None, dotted((*done, index)), "a list item cannot be null")
            else:
                items[index], items.pos[index] = strip_nulls(self.value), where
            return items
        if isinstance(node, dict):
            out = Doc(node, pos=getattr(node, "pos", {}), here=getattr(node, "here", where))
            child = node.get(head)
            if rest:
                empty = DocList(here=where) if _is_index(rest[0]) else Doc(here=where)
                fresh = empty if child is None else child
                out[head] = self._set(fresh, rest, (*done, head))
                out.pos.setdefault(head, where)
            elif self.value is None:  # like `key: null` in a file: back to the default
                out.pop(head, None)
                out.pos.pop(head, None)
            else:
                out[head], out.pos[head] = strip_nulls(self.value), where
            return out
        fail(self.label, None, dotted(done), "is a single value: nothing to set inside it")

    def _index(self, items: list, part: str, done: tuple) -> int:
        path = dotted((*done, part))
        if _is_index(part):
            if int(part) < len(items):
                return int(part)
            fail(self.label, None, path, f"no item {part}: the list has {len(items)}")
        names = [_item_name(item) for item in items]
        if names.count(part) > 1:
            fail(
                self.label,
                None,
                path,
                f"{names.count(part)} items are named {part!r}: use the index instead",
            )
        if part in names:
            return names.index(part)
        known = [n for n in names if n]
        listed = f"; names: {', '.join(known)}" if known else ""
        fail(self.label, None, path, f"no item named {part!r}{did_you_mean(part, known)}{listed}")


def parse_overrides(assignments: Sequence[str], option: str = "--set") -> list[Override]:
    """Each ``KEY=VALUE`` parsed, in order; the first malformed one raises ScenarioError."""
    return [Override.parse(assignment, option) for assignment in assignments]


def apply_overrides(tree: Doc, overrides: Sequence[Override]) -> Doc:
    """``tree`` with every override applied in order (a later one wins on the same key)."""
    for override in overrides:
        tree = override.apply(tree)
    return tree


def _is_index(part: str) -> bool:
    """An ASCII number: ``²`` or ``٣`` are names, not indexes."""
    return part.isascii() and part.isdigit()


def _item_name(item) -> str | None:
    """How `--set` names a list item: its `name`, its `id`, or ``direction/sector``."""
    if not isinstance(item, dict):
        return None
    if "name" in item or "id" in item:
        return str(item.get("name", item.get("id")))
    if "direction" in item and "sector" in item:
        return f"{item['direction']}/{item['sector']}"
    return None


@dataclass(frozen=True)
class NumberField:
    """What the Scenario model allows for one numeric field: whole or not, and its bounds."""

    integral: bool
    low: float | None
    high: float | None
    low_open: bool = False  # `gt` rather than `ge`: the bound itself is not allowed
    high_open: bool = False


def number_field(loc: Sequence[str]) -> NumberField | None:
    """The numeric field at a dotted path (list items by index or name), or None."""
    model: typing.Any = Scenario
    annotation = None
    item_next = False  # after a list field comes an item's index or name
    for part in loc:
        if item_next:
            item_next = False
            continue
        if not is_model(model):
            return None
        if part in model.model_fields:
            field = model.model_fields[part]
            item_next = typing.get_origin(field.annotation) is list
            # built apart: mypy reads `X[(a, *b)]` as 3.11's `X[a, *b]`, valid on 3.10 too
            annotated = (field.annotation, *field.metadata)
            annotation = typing.Annotated[annotated] if field.metadata else field.annotation
        elif model.model_config.get("extra") == "allow":  # elasticities by sector
            hints = typing.get_type_hints(model, include_extras=True)
            annotation = typing.get_args(hints["__pydantic_extra__"])[1]
        else:
            return None
        model = model_in(annotation)
    return None if annotation is None else _number(annotation)


_BOUNDS = (("ge", True, False), ("gt", True, True), ("le", False, False), ("lt", False, True))


def _number(annotation) -> NumberField | None:
    """Unwrap ``Annotated[...]`` and ``X | None`` down to int or float with its bounds."""
    found: dict[str, typing.Any] = {
        "low": None,
        "high": None,
        "low_open": False,
        "high_open": False,
    }
    integral = None
    stack = [annotation]
    while stack:
        kind = stack.pop()
        if typing.get_origin(kind) is typing.Annotated:
            base, *metadata = typing.get_args(kind)
            stack.append(base)
            for item in metadata:
                for constraint in getattr(item, "metadata", [item]):
                    for name, is_low, is_open in _BOUNDS:
                        bound = getattr(constraint, name, None)
                        if bound is not None:
                            side = "low" if is_low else "high"
                            found[side], found[f"{side}_open"] = bound, is_open
        elif kind in (int, float):
            integral = kind is int if integral is None else integral and kind is int
        elif typing.get_args(kind):
            stack.extend(a for a in typing.get_args(kind) if a is not type(None))
    return None if integral is None else NumberField(integral, **found)
