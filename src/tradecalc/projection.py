"""A projection of one scenario: the numbers by year, the verdict, and provenance."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from tradecalc import verdict
from tradecalc.engine import Components, Layout, compile_scenario, evaluate
from tradecalc.loading import load_scenario
from tradecalc.model import required_cagr
from tradecalc.scenario import (
    DEFAULT_UTILIZATION,
    DIRECTIONS,
    Scenario,
    dotted,
    must_be_sourced,
    provenance_items,
)

CSV_COLUMNS = (
    "scenario",
    "year",
    "direction",
    "sector",
    "category",
    "component",
    "name",
    "value_usd_m",
)


@dataclass(frozen=True)
class Assumption:
    """A scenario input stated as an assumption (with its source, when derived from one)."""

    path: str
    text: str
    source: str | None = None


@dataclass(frozen=True)
class Projection:
    """Projected trade of one scenario, year by year (one draw of the engine)."""

    scenario: Scenario
    path: str
    layout: Layout
    components: Components

    @property
    def years(self) -> np.ndarray:
        return self.layout.years

    @cached_property
    def total(self) -> np.ndarray:
        """Total trade by year, all categories [US$ m]."""
        return self.components.total()[0]

    @cached_property
    def measure(self) -> np.ndarray:
        """Trade the target counts, by year [US$ m]."""
        return self.components.measure(self.layout)[0]

    def at(self, year: int) -> int:
        return int(year - self.layout.base_year)

    @property
    def reached_year(self) -> int | None:
        """First year the measure reaches the target, or None within the horizon."""
        return verdict.reached_year(self.years, self.measure, self.scenario.target.value_usd_m)

    @property
    def required_cagr(self) -> float | None:
        """Growth a year the measure needs from the base year to the target by the deadline."""
        s = self.scenario
        cagr = float(required_cagr(s.target.value_usd_m, self.measure[0], s.by_year - s.base_year))
        return None if np.isnan(cagr) else cagr

    @property
    def measure_at_by_year(self) -> float:
        return float(self.measure[verdict.deadline_index(self.scenario)])

    @property
    def gap_at_by_year(self) -> float:
        """Target minus measure in the deadline year [US$ m]; negative when exceeded."""
        return verdict.gap_at_deadline(self.scenario, self.measure)

    @cached_property
    def measure_layers(self) -> dict[str, np.ndarray]:
        """What each lever adds to the measure, by year [US$ m]; the layers sum to it."""
        c, lay = self.components, self.layout
        return {
            "baseline_usd_m": c.baseline[0, lay.flow_counts].sum(axis=0),
            "pta_usd_m": c.pta[0, lay.flow_counts].sum(axis=0),
            "tta_usd_m": c.tta[0, lay.flow_counts].sum(axis=0),
            "deals_usd_m": c.deals[0, lay.deal_counts].sum(axis=0),
        }

    def measure_parts(self, year: int | None = None) -> dict[str, float]:
        """:attr:`measure_layers` in one year (default: the deadline) [US$ m]."""
        j = self.at(self.scenario.by_year if year is None else year)
        return {key: float(layer[j]) for key, layer in self.measure_layers.items()}

    def by_year(self) -> list[dict[str, Any]]:
        """One summary dict per year, the JSON ``years`` rows."""
        c = self.components
        flows_by_direction = {
            d: np.array([fd == d for fd in self.layout.flow_direction]) for d in DIRECTIONS
        }
        deals_by_direction = {
            d: np.array([dd == d for dd in self.layout.deal_direction], dtype=bool)
            for d in DIRECTIONS
        }
        flow_total = (c.baseline + c.pta + c.tta)[0]
        target = self.scenario.target.value_usd_m
        rows = []
        for j, year in enumerate(self.years):
            row = {
                "year": int(year),
                "total_usd_m": float(self.total[j]),
                "measure_usd_m": float(self.measure[j]),
                "baseline_usd_m": float(c.baseline[0, :, j].sum()),
                "pta_usd_m": float(c.pta[0, :, j].sum()),
                "tta_usd_m": float(c.tta[0, :, j].sum()),
                "deals_usd_m": float(c.deals[0, :, j].sum()),
            }
            for d in DIRECTIONS:
                row[f"{d}_usd_m"] = float(
                    flow_total[flows_by_direction[d], j].sum()
                    + c.deals[0, deals_by_direction[d], j].sum()
                )
            row["share_of_target"] = float(self.measure[j] / target)
            rows.append(row)
        return rows

    def rows(self):
        """Tidy rows ``(scenario, year, direction, sector, category, component, name, value)``."""
        layout, c, name = self.layout, self.components, self.scenario.name
        for j, year in enumerate(self.years):
            for f, (direction, sector, category) in enumerate(
                zip(layout.flow_direction, layout.flow_sector, layout.flow_category, strict=True)
            ):
                for component, values in (("baseline", c.baseline), ("pta", c.pta), ("tta", c.tta)):
                    yield (
                        name,
                        int(year),
                        direction,
                        sector,
                        category,
                        component,
                        "",
                        float(values[0, f, j]),
                    )
            for k, deal in enumerate(layout.deal_name):
                yield (
                    name,
                    int(year),
                    layout.deal_direction[k],
                    layout.deal_sector[k],
                    layout.deal_category[k],
                    "deal",
                    deal,
                    float(c.deals[0, k, j]),
                )

    def breakdown(self, year: int | None = None) -> list[dict[str, Any]]:
        """Trade by (direction, sector, category) in one year (default: the deadline)."""
        year = self.scenario.by_year if year is None else year
        groups: dict[tuple[str, str, str], dict[str, Any]] = {}
        for _, y, direction, sector, category, component, _, value in self.rows():
            if y != year:
                continue
            group = groups.setdefault(
                (direction, sector, category),
                {
                    "direction": direction,
                    "sector": sector,
                    "category": category,
                    "counts": category in self.scenario.target.counts,
                    **{f"{k}_usd_m": 0.0 for k in ("baseline", "pta", "tta", "deals", "total")},
                },
            )
            group["deals_usd_m" if component == "deal" else f"{component}_usd_m"] += value
            group["total_usd_m"] += value
        return list(groups.values())

    @property
    def assumptions(self) -> list[Assumption]:
        """Inputs stated as assumptions, including defaults that are assumptions."""
        found = [
            Assumption(dotted(loc), item.assumption, item.source)
            for loc, item in provenance_items(self.scenario)
            if item.assumption is not None
        ]
        pta = self.scenario.pta
        if pta is not None and pta.utilization is None:
            found.append(
                Assumption(
                    "pta.utilization",
                    f"default utilisation {DEFAULT_UTILIZATION}: no single published value "
                    "(Keck & Lendle 2012, WTO ERSD-2012-12)",
                )
            )
        return found

    @property
    def unsourced(self) -> list[str]:
        """Flows and deals that carry neither `source:` nor `assumption:`."""
        return [
            dotted(loc)
            for loc, item in provenance_items(self.scenario)
            if must_be_sourced(loc) and item.source is None and item.assumption is None
        ]

    def levers(self) -> list[dict[str, Any]]:
        """What each lever adds at the deadline and at the horizon, with its provenance.

        Base-year trade, baseline growth since then, PTA, TTA and each deal; the rows that
        count add up to the measure. Deals the target does not count are listed apart.
        """
        s, c, lay = self.scenario, self.components, self.layout
        ends = (self.at(s.by_year), self.at(s.horizon))
        layers = self.measure_layers

        def flows(key: str, j: int) -> float:
            return float(layers[key][j])

        def row(lever, name, category, counts, values, item=None) -> dict[str, Any]:
            return {
                "lever": lever,
                "name": name,
                "category": category,
                "counts": counts,
                "at_by_year_usd_m": values[0],
                "at_horizon_usd_m": values[1],
                "source": getattr(item, "source", None),
                "assumption": getattr(item, "assumption", None),
            }

        start = flows("baseline_usd_m", 0)
        rows = [
            row("base-year trade", "", "", True, [start, start]),
            row(
                "baseline growth", "", "", True, [flows("baseline_usd_m", j) - start for j in ends]
            ),
        ]
        if s.pta is not None:
            rows.append(row("pta", "", "", True, [flows("pta_usd_m", j) for j in ends], s.pta))
        if s.tta is not None:
            rows.append(row("tta", "", "", True, [flows("tta_usd_m", j) for j in ends], s.tta))
        for k, deal in enumerate(s.deals):
            values = [float(c.deals[0, k, j]) for j in ends]
            rows.append(
                row("deal", deal.name, deal.category, bool(lay.deal_counts[k]), values, deal)
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `tradecalc project` (scenario-format.md)."""
        s = self.scenario
        return {
            "scenario": {
                "name": s.name,
                "path": self.path,
                "description": s.description,
                "base_year": s.base_year,
                "horizon": s.horizon,
            },
            "target": {
                "value_usd_m": s.target.value_usd_m,
                "by_year": s.by_year,
                "counts": list(s.target.counts),
                "reached_year": self.reached_year,
                "required_cagr": self.required_cagr,
                "measure_at_by_year_usd_m": self.measure_at_by_year,
                "gap_at_by_year_usd_m": self.gap_at_by_year,
            },
            "years": self.by_year(),
            "breakdown_at_by_year": self.breakdown(),
            "assumptions": [a.__dict__ for a in self.assumptions],
            "unsourced": self.unsourced,
            "sources": [src.model_dump(exclude_none=True) for src in s.sources],
        }

    @property
    def frame(self):
        """Long-form pandas DataFrame, one row per value: the columns of the CSV output."""
        import pandas as pd

        return pd.DataFrame.from_records(list(self.rows()), columns=list(CSV_COLUMNS))


def project(
    scenario: Scenario | str | os.PathLike,
    path: str | None = None,
    overrides: Sequence[str] = (),
) -> Projection:
    """Project a scenario (a :class:`Scenario` or a path to a YAML file) year by year.

    ``overrides`` are ``KEY=VALUE`` assignments applied to a file, like ``--set``.

    Use in a notebook::

        p = project("scenarios/base.yaml")
        p.frame.groupby("year").value_usd_m.sum()   # == p.total
    """
    if not isinstance(scenario, Scenario):
        path = str(scenario) if path is None else path
        scenario = load_scenario(scenario, overrides=overrides)
    layout, params = compile_scenario(scenario)
    components = evaluate(layout, params)
    verdict.check_finite(components.total(), path or scenario.name)
    return Projection(scenario, path or "", layout, components)
