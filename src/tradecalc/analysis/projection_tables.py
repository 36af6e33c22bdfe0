"""The tables a projection carries, built once from its components when it is made: the
summary by year (the JSON ``years``) and what each lever adds (``explain``'s levers)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from tradecalc.engine.evaluate import Components, Layout
from tradecalc.scenario.models import Scenario


class ProjectionParts(Protocol):
    """What the tables read of a :class:`~tradecalc.analysis.projection.Projection`."""

    @property
    def scenario(self) -> Scenario: ...
    @property
    def layout(self) -> Layout: ...
    @property
    def components(self) -> Components: ...
    @property
    def overridden(self) -> frozenset[str]: ...

    @property
    def years(self) -> np.ndarray: ...
    @property
    def total(self) -> np.ndarray: ...
    @property
    def measure(self) -> np.ndarray: ...
    @property
    def measure_layers(self) -> dict[str, np.ndarray]: ...
    @property
    def not_counted(self) -> dict[str, np.ndarray]: ...
    def year_index(self, year: int) -> int: ...


def year_rows(p: ProjectionParts) -> list[dict[str, Any]]:
    """One summary dict per year: the JSON ``years`` rows."""
    c = p.components
    directions = p.scenario.directions
    flows_by_direction = {
        d: np.array([fd == d for fd in p.layout.flow_direction], dtype=bool) for d in directions
    }
    deals_by_direction = {
        d: np.array([dd == d for dd in p.layout.deal_direction], dtype=bool) for d in directions
    }
    flow_total = c.flows()[0]
    target = p.scenario.target.value_usd_m
    rows = []
    for j, year in enumerate(p.years):
        row: dict[str, Any] = {
            "year": int(year),
            "total_usd_m": float(p.total[j]),
            "measure_usd_m": float(p.measure[j]),
            "baseline_usd_m": float(c.baseline[0, :, j].sum()),
            "pta_usd_m": float(c.pta[0, :, j].sum()),
            "tariff_changes_usd_m": float(c.tariff_changes[0, :, j].sum()),
            "tta_usd_m": float(c.tta[0, :, j].sum()),
            "deals_usd_m": float(c.deals[0, :, j].sum()),
        }
        for d in directions:
            row[f"{d}_usd_m"] = float(
                flow_total[flows_by_direction[d], j].sum()
                + c.deals[0, deals_by_direction[d], j].sum()
            )
        row["not_counted_usd_m"] = float(p.total[j] - p.measure[j])
        row["not_counted_by_category_usd_m"] = {
            category: float(values[j]) for category, values in p.not_counted.items()
        }
        # Python floats: past the float range (a subnormal target) is inf, without a warning
        row["share_of_target"] = float(p.measure[j]) / float(target)
        rows.append(row)
    return rows


def lever_rows(p: ProjectionParts) -> list[dict[str, Any]]:
    """What each lever adds at the deadline and at the horizon, with its provenance.

    Base-year trade, baseline growth since then, PTA, TTA and each deal; the rows that
    count add up to the measure. Deals the target does not count are listed apart.
    """
    s, c, lay = p.scenario, p.components, p.layout
    ends = (p.year_index(s.by_year), p.year_index(s.horizon))
    layers = p.measure_layers

    def flows(key: str, j: int) -> float:
        return float(layers[key][j])

    def row(lever, name, category, counts, values, item=None, path="") -> dict[str, Any]:
        changed = any(o == path or o.startswith(f"{path}.") for o in p.overridden)
        return {
            "lever": lever,
            "name": name,
            "category": category,
            "counts": counts,
            "at_by_year_usd_m": values[0],
            "at_horizon_usd_m": values[1],
            "source": getattr(item, "source", None),
            "assumption": getattr(item, "assumption", None),
            "changed_by_set": bool(path) and changed,
        }

    start = flows("baseline_usd_m", 0)
    growth = [flows("baseline_usd_m", j) - start for j in ends]
    rows = [
        row("base-year trade", "", "", True, [start, start], path="baseline"),
        row("baseline growth", "", "", True, growth, path="baseline"),
    ]
    if s.pta is not None:
        values = [flows("pta_usd_m", j) for j in ends]
        rows.append(row("pta", "", "", True, values, s.pta, "pta"))
    if s.tariff_changes:
        values = [flows("tariff_changes_usd_m", j) for j in ends]
        rows.append(row("tariff changes", "", "", True, values, None, "tariff_changes"))
    if s.tta is not None:
        values = [flows("tta_usd_m", j) for j in ends]
        rows.append(row("tta", "", "", True, values, s.tta, "tta"))
    for k, deal in enumerate(s.deals):
        values = [float(c.deals[0, k, j]) for j in ends]
        counts = bool(lay.deal_counts[k])
        rows.append(row("deal", deal.name, deal.category, counts, values, deal, f"deals.{k}"))
    return rows
