"""Grids of overrides run through the engine at once (`tradecalc sweep`)."""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tradecalc.analysis.documents import Sweep
from tradecalc.core.errors import fail, usage_error
from tradecalc.engine import budget
from tradecalc.engine.evaluate import Params, compile_scenario, evaluate
from tradecalc.engine.verdict import check_finite, outcome
from tradecalc.model import gap, reached_year_index
from tradecalc.scenario.overrides import Override
from tradecalc.scenario.pipeline import read_merged_tree, validate_with_overrides
from tradecalc.scenario.yamlread import Doc

MAX_POINTS = 100_000
"""Grid points at most."""
CHUNK = 2_000
"""Grid points run together through the engine: only their rows are kept."""
MAX_CORNER_AXES = 8
"""Axes up to which the corners of the grid are validated (2**8 = 256 points); with more
axes every point is validated."""


@dataclass(frozen=True)
class GridAxis:
    """``KEY=START:STOP:N``: N evenly spaced values from START to STOP, ends included."""

    key: str
    values: tuple[float | int, ...]

    @classmethod
    def parse(cls, spec: str) -> GridAxis:
        label = f"--grid {spec}"
        key, sep, rng = spec.partition("=")
        parts = rng.split(":")
        if not sep or not key.strip() or len(parts) != 3:
            fail(label, None, "", "expected KEY=START:STOP:N, e.g. pta.utilization=0.5:0.9:5")
        try:
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            fail(label, None, key, "START and STOP must be numbers and N a whole number")
        if not (np.isfinite(start) and np.isfinite(stop)) or not 1 <= count <= MAX_POINTS:
            fail(label, None, key, f"START and STOP must be finite and N from 1 to {MAX_POINTS:,}")
        values = np.linspace(start, stop, count)
        integral = all(p.strip().lstrip("+-").isdigit() for p in parts[:2])
        if integral and np.all(values == np.round(values)):
            return cls(key.strip(), tuple(int(v) for v in values))
        return cls(key.strip(), tuple(float(v) for v in values))


def run_sweep(
    tree: Doc, axes: list[GridAxis], base: Sequence[Override] = (), where: str = ""
) -> list[dict[str, Any]]:
    """One row per grid point: the grid values, reached year, measure and gap at the deadline.

    The YAML is read once (``tree``). Each value of each axis is validated once, with the
    other axes at the scenario's values, and so is every corner of the grid (each axis at
    its first or last value together), so a value that a rule across fields rejects is
    reported. When the axes move separate engine parameters (checked at the corners: the
    parameters built from the axes one at a time equal those of the validated corner, to the
    bit), each point's parameters are written straight into the engine's arrays along the
    draw axis and run together in chunks that fit the memory budget. Otherwise (axes that
    act on the same parameter, or change the years or what counts) every point is validated
    like a file. ``where`` names the file.
    """
    size = math.prod(len(axis.values) for axis in axes)
    if size > MAX_POINTS:
        usage_error("--grid", f"{size:,} grid points; at most {MAX_POINTS:,}")
    fast = _separable(tree, axes, list(base))
    if fast is None:
        return _point_by_point(tree, axes, base, where, size)
    return _vectorised(fast, axes, size, where)


def sweep_scenario(
    source: str | os.PathLike,
    axes: Sequence[GridAxis],
    overrides: Sequence[Override] = (),
    *,
    text: str | None = None,
    warn: Callable[[Doc, Sequence[Override]], None] | None = None,
) -> Sweep:
    """:func:`run_sweep` on a scenario file (``"-"``: ``text``) with its overrides, as a
    :class:`~tradecalc.analysis.documents.Sweep`; ``warn`` is called with the tree and
    the overrides before the run (plausibility warnings)."""
    tree = read_merged_tree(source, text)
    if warn is not None:
        warn(tree, overrides)
    where = str(source)
    rows = run_sweep(tree, list(axes), list(overrides), where=where)
    return Sweep(tuple(rows), tuple(axis.key for axis in axes), where)


@dataclass
class _Separable:
    scenario: Any  # the scenario with the --set overrides
    layout: Any
    point: Params
    tables: list[dict[str, tuple[np.ndarray, np.ndarray]]]  # per axis: field -> (mask, values)
    targets: list[np.ndarray | None]  # per axis: target.value_usd_m of each value, if it moves
    deadlines: list[np.ndarray | None]  # per axis: by_year of each value, if it moves


def _verdict_inputs(scenario) -> tuple[float, int]:
    return scenario.target.value_usd_m, scenario.by_year


def _separable(tree: Doc, axes: list[GridAxis], base: list[Override]) -> _Separable | None:
    """Validate each axis value and the corners; the per-axis parameters if they compose."""
    scenario = validate_with_overrides(tree, base)[0]
    layout, point = compile_scenario(scenario)
    verdict = _verdict_inputs(scenario)
    tables: list[dict[str, tuple[np.ndarray, np.ndarray]]] = []
    targets: list[np.ndarray | None] = []
    deadlines: list[np.ndarray | None] = []
    touched: set[tuple[str, int]] = set()
    ok = True
    for axis in axes:
        compiled = []
        for value in axis.values:
            s = validate_with_overrides(tree, _overrides(base, [axis], (value,)))[0]
            lay, par = compile_scenario(s)
            ok = ok and _layout_equal(layout, lay)
            compiled.append((par, _verdict_inputs(s)))
        if not ok:
            continue
        table = {}
        for f in dataclasses.fields(Params):
            values = np.concatenate([getattr(par, f.name) for par, _ in compiled])
            now = getattr(point, f.name)
            if values.shape[1:] != now.shape[1:]:
                ok = False
                break
            moved = np.any(~_same(values, now), axis=0)
            if moved.any():
                table[f.name] = (moved, values)
                mine = {(f.name, int(i)) for i in np.flatnonzero(moved)}
                ok = ok and not (mine & touched)
                touched |= mine
        tables.append(table)
        for slot, out in ((0, targets), (1, deadlines)):
            moved = np.array([v[slot] for _, v in compiled])
            if np.any(moved != verdict[slot]):
                ok = ok and ("verdict", slot) not in touched
                touched.add(("verdict", slot))
                out.append(moved)
            else:
                out.append(None)
    corners = len(axes) <= MAX_CORNER_AXES
    for corner in itertools.product(*({0, len(a.values) - 1} for a in axes)) if corners else ():
        at_corner = tuple(a.values[i] for a, i in zip(axes, corner, strict=True))
        # reports a rule across fields
        s = validate_with_overrides(tree, _overrides(base, axes, at_corner))[0]
        if not ok:
            continue
        lay, par = compile_scenario(s)
        fast = _Separable(scenario, layout, point, tables, targets, deadlines)
        built, target, deadline = _build(fast, [np.array([i]) for i in corner])
        ok = (
            _layout_equal(layout, lay)
            and all(
                getattr(built, f.name).shape == getattr(par, f.name).shape
                and bool(np.all(_same(getattr(built, f.name), getattr(par, f.name))))
                for f in dataclasses.fields(Params)
            )
            and (target[0], deadline[0]) == _verdict_inputs(s)
        )
    if not ok or not corners:
        return None
    return _Separable(scenario, layout, point, tables, targets, deadlines)


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise equal, NaN equal to NaN."""
    if a.dtype == bool or b.dtype == bool:
        return a == b
    return (a == b) | (np.isnan(a) & np.isnan(b))


def _build(fast: _Separable, index: list[np.ndarray]):
    """Parameters, targets and deadlines of the points whose value index on each axis is
    ``index[axis]`` (arrays of one length)."""
    n = len(index[0])
    changes = {}
    for table, idx in zip(fast.tables, index, strict=True):
        for name, (moved, values) in table.items():
            if name not in changes:
                now = getattr(fast.point, name)
                changes[name] = np.repeat(now, n, axis=0)
            changes[name][:, moved] = values[idx][:, moved]
    # a parameter no axis moves keeps its draw axis of 1: the engine shares it
    params = fast.point.replace(**changes) if changes else fast.point
    target = np.full(n, fast.scenario.target.value_usd_m, dtype=float)
    deadline = np.full(n, fast.scenario.by_year, dtype=int)
    for targets, idx in zip(fast.targets, index, strict=True):
        if targets is not None:
            target = targets[idx].astype(float)
    for deadlines, idx in zip(fast.deadlines, index, strict=True):
        if deadlines is not None:
            deadline = deadlines[idx].astype(int)
    return params, target, deadline


def _vectorised(fast: _Separable, axes: list[GridAxis], size: int, where: str) -> list[dict]:
    layout = fast.layout
    budget.check_work("--grid", size, layout, "the grid points, the deals or the horizon", cost=8)
    step = budget.chunk_size(layout, CHUNK, budget.EVALUATE_BYTES_PER_VALUE)
    shape = [len(axis.values) for axis in axes]
    years = layout.years
    rows: list[dict[str, Any]] = []
    for start in range(0, size, step):
        flat = np.arange(start, min(start + step, size))
        index = list(np.unravel_index(flat, shape)) if shape else []
        params, target, deadline = _build(fast, index)
        measure = np.broadcast_to(evaluate(layout, params).measure(layout), (len(flat), len(years)))
        finite = np.isfinite(measure).all(axis=1)
        if not finite.all():
            bad = int(np.flatnonzero(~finite)[0])
            point = tuple(a.values[i[bad]] for a, i in zip(axes, index, strict=True))
            check_finite(measure[bad], where or fast.scenario.name, _label(axes, point))
        j = deadline - int(years[0])
        at = measure[np.arange(len(flat)), j]
        first = reached_year_index(measure, target)
        gaps = gap(target, at)
        for r in range(len(flat)):
            row = {axis.key: axis.values[i[r]] for axis, i in zip(axes, index, strict=True)}
            row["reached_year"] = None if first[r] < 0 else int(years[first[r]])
            row["measure_at_by_year_usd_m"] = float(at[r])
            row["gap_at_by_year_usd_m"] = float(gaps[r])
            rows.append(row)
    return rows


def _point_by_point(tree: Doc, axes, base, where: str, size: int) -> list[dict[str, Any]]:
    """Every point validated like a file (axes that do not separate)."""
    points = itertools.product(*(axis.values for axis in axes))
    rows: list[dict[str, Any]] = []
    first = True
    while batch := list(itertools.islice(points, CHUNK)):
        scenarios = [
            validate_with_overrides(tree, _overrides(base, axes, point))[0] for point in batch
        ]
        compiled = [compile_scenario(s) for s in scenarios]
        layout = compiled[0][0]
        if first:
            budget.check_work(
                "--grid", size, layout, "the grid points, the deals or the horizon", cost=8
            )
            first = False
        if all(_same_layout(layout, other) for other, _ in compiled):
            params = [p for _, p in compiled]
            measures = []
            step = budget.chunk_size(layout, CHUNK, budget.EVALUATE_BYTES_PER_VALUE)
            for start in range(0, len(params), step):
                stacked = Params.stack(params[start : start + step])
                measures += list(evaluate(layout, stacked).measure(layout))
        else:  # grid moves base_year or horizon, or what counts: run points one by one
            measures = [evaluate(lay, par).measure(lay)[0] for lay, par in compiled]
        for point, scenario, (lay, _), m in zip(batch, scenarios, compiled, measures, strict=True):
            check_finite(m, where or scenario.name, _label(axes, point))
            row = {axis.key: value for axis, value in zip(axes, point, strict=True)}
            row.update(outcome(scenario, lay.years, m))
            rows.append(row)
    return rows


def _layout_equal(a, b) -> bool:
    """Every field of two layouts equal."""
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            if not np.array_equal(x, y):
                return False
        elif x != y:
            return False
    return True


def _overrides(base, axes: list[GridAxis], point) -> list[Override]:
    return list(base) + [
        Override(tuple(axis.key.split(".")), value, f"--grid {axis.key}={value}")
        for axis, value in zip(axes, point, strict=True)
    ]


def _label(axes: list[GridAxis], point) -> str:
    """Where a grid point overflowed: ``at pta.utilization=0.5``."""
    return "at " + ", ".join(f"{a.key}={v}" for a, v in zip(axes, point, strict=True))


def _same_layout(a, b) -> bool:
    return (
        np.array_equal(a.years, b.years)
        and np.array_equal(a.flow_counts, b.flow_counts)
        and np.array_equal(a.deal_counts, b.deal_counts)
        and a.flow_direction == b.flow_direction
        and a.flow_sector == b.flow_sector
        and np.array_equal(a.line_flow, b.line_flow)
        and np.array_equal(a.tta_applies, b.tta_applies)
        and a.deal_name == b.deal_name
    )
