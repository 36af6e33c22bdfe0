"""Grids of overrides run through the engine at once (`tradecalc sweep`)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tradecalc import budget
from tradecalc.engine import Params, compile_scenario, evaluate
from tradecalc.loading import resolve
from tradecalc.overrides import Override
from tradecalc.verdict import check_finite, outcome
from tradecalc.yamlread import Doc, fail

MAX_POINTS = 100_000
"""Grid points at most: each is validated like a file (about 0.6 ms), so 100,000 take ~1 min."""
CHUNK = 2_000
"""Grid points validated and run together: only their rows are kept, so memory stays flat."""


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
    tree: Doc, axes: list[GridAxis], base: list[Override] = (), where: str = ""
) -> list[dict[str, Any]]:
    """One row per grid point: the grid values, reached year, measure and gap at the deadline.

    The YAML is read once (``tree``); each point is the tree with its overrides, validated
    like a file, then the points go through :func:`evaluate` together on the draw axis, in
    chunks that fit the memory budget (only the rows are kept). ``where`` names the file.
    """
    size = math.prod(len(axis.values) for axis in axes)
    if size > MAX_POINTS:
        fail("--grid", None, "", f"{size:,} grid points; at most {MAX_POINTS:,}")
    points = itertools.product(*(axis.values for axis in axes))
    rows: list[dict[str, Any]] = []
    first = True
    while batch := list(itertools.islice(points, CHUNK)):
        scenarios = [resolve(tree, _overrides(base, axes, point))[0] for point in batch]
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
