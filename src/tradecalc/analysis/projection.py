"""The result of `tradecalc project`: one scenario's trade by year, lever by lever, the verdict,
the provenance, and (when the command asked for them) the odds; a frozen value."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from tradecalc.analysis.projection_tables import lever_rows, year_rows
from tradecalc.engine import verdict
from tradecalc.engine.evaluate import Components, Layout
from tradecalc.model import required_cagr
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.provenance import must_be_sourced, provenance_items
from tradecalc.scenario.record import history_rows, mirror_rows, other_reporter
from tradecalc.scenario.terms import CATEGORIES, DEFAULT_UTILIZATION, dotted

CSV_COLUMNS = (
    "scenario",
    "year",
    "direction",
    "sector",
    "category",
    "component",
    "name",
    "value_usd_m",
    "counted",
    "kind",
)
"""The tidy columns. ``counted`` is true where the row is part of the measure (false on every
record row) and ``kind`` says what the row is: ``projection``, or on the record ``total`` (a
reporter's total) and ``part`` (its direction parts), so counted rows sum to the measure and the
record is never summed with its own parts."""


NO_ODDS = "none: the scenario has no uncertainty: block; add one (docs/scenario-format.md) for odds"
"""Why a projection carries no odds (JSON ``odds_note``, the Odds line)."""
ODDS_NOT_ASKED = "not computed here: see tradecalc simulate"
"""Why a projection of a scenario with an `uncertainty:` block carries no odds: not asked for."""

CHANGED_BY_SET = "changed by --set: the assumption text describes the file's value"

LEVER_COLUMNS = (
    ("Baseline", "baseline_usd_m"),
    ("PTA", "pta_usd_m"),
    ("Tariff changes", "tariff_changes_usd_m"),
    ("TTA", "tta_usd_m"),
    ("Deals", "deals_usd_m"),
)
"""Column labels and JSON keys of the levers, in the order every view shows them."""


COMPONENT_KEYS = {
    "baseline": "baseline_usd_m",
    "pta": "pta_usd_m",
    "tariff_change": "tariff_changes_usd_m",
    "tta": "tta_usd_m",
    "deal": "deals_usd_m",
}
"""CSV ``component`` -> the JSON key of its lever."""


def lever_columns(scenario: Scenario) -> tuple[tuple[str, str], ...]:
    """:data:`LEVER_COLUMNS` less tariff changes when the scenario has none."""
    if scenario.tariff_changes:
        return LEVER_COLUMNS
    return tuple(c for c in LEVER_COLUMNS if c[1] != "tariff_changes_usd_m")


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
    overrides: tuple[str, ...] = ()
    """The ``--set`` assignments this projection ran with, as typed."""
    overridden: frozenset[str] = frozenset()
    """Dotted paths of the provenance items (flows, deals, ...) that an override changed."""
    odds: dict[str, Any] | None = None
    """The odds line's converged Monte Carlo (methods.md 8.1), when the command asked for it:
    :func:`tradecalc.analysis.odds.odds_document`; None without (or not asked)."""
    band: tuple[np.ndarray, np.ndarray] | None = None
    """P10 and P90 of the measure by year (the odds' draws and seed), when asked for a chart."""
    outside_view: dict[str, Any] = field(default_factory=dict)
    """The reference class of announced targets beside the growth this one needs."""
    normal_level: dict[str, str] | None = None
    """The pair's normal level by gravity, as the header's line (``label``, ``text``), or which
    panel to import where none holds the pair, and ``fact``, the text without its advice (the
    brief's line); computed with the odds (None without)."""
    smart: list[dict[str, Any]] | None = None
    """WITS-SMART's side outputs by year, for ``pta.method: smart`` (else None)."""
    years_rows: list[dict[str, Any]] = field(default=None, repr=False, compare=False)  # type: ignore[arg-type]
    """One summary dict per year, the JSON ``years`` rows, built with the value."""
    breakdown_rows: list[dict[str, Any]] = field(default=None, repr=False, compare=False)  # type: ignore[arg-type]
    """The JSON ``breakdown_at_by_year`` (:meth:`breakdown` at the deadline)."""
    lever_rows: list[dict[str, Any]] = field(default=None, repr=False, compare=False)  # type: ignore[arg-type]
    """What each lever adds at the deadline and at the horizon, with its provenance."""
    history_rows: list[dict[str, Any]] = field(default=None, repr=False, compare=False)  # type: ignore[arg-type]
    """The record, oldest first (the JSON ``history``)."""
    mirror_rows: list[dict[str, Any]] = field(default=None, repr=False, compare=False)  # type: ignore[arg-type]
    """Both reporters' calendar records side by side (the JSON ``mirror``)."""
    assumptions: list[Assumption] = field(default=None, repr=False, compare=False)  # type: ignore[arg-type]
    """Inputs stated as assumptions, including defaults that are assumptions."""
    unsourced: list[str] = field(default=None, repr=False, compare=False)  # type: ignore[arg-type]
    """Flows and deals that carry neither `source:` nor `assumption:`."""
    counts_text: str = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    """What the measure counts and leaves out, in words."""

    def __post_init__(self) -> None:
        """Build the tables every view reads, once (a copy made with ``replace`` keeps them):
        the views only read them."""
        builders = {
            "history_rows": lambda: history_rows(self.scenario),
            "mirror_rows": lambda: mirror_rows(self.scenario),
            "years_rows": lambda: year_rows(self),
            "breakdown_rows": lambda: self._breakdown(self.scenario.by_year),
            "lever_rows": lambda: lever_rows(self),
            "assumptions": self._assumptions,
            "unsourced": self._unsourced,
            "counts_text": lambda: counts_text(self.scenario.target.counts),
        }
        for name, build in builders.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, build())

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

    def year_index(self, year: int) -> int:
        """The position of ``year`` in :attr:`years` and every by-year array."""
        return int(year - self.layout.base_year)

    @property
    def on_time(self) -> bool:
        """Whether the target is reached by its deadline (central path)."""
        return verdict.on_time(self.reached_year, self.scenario.by_year)

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
    def other_reporter(self) -> dict[str, Any] | None:
        """The other side's latest figure and the growth it needs (``target.other_reporter``)."""
        return other_reporter(self.scenario)

    @property
    def share_at_by_year(self) -> float:
        """The measure in the deadline year over the target (central path)."""
        return self.measure_at_by_year / self.scenario.target.value_usd_m

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
            "tariff_changes_usd_m": c.tariff_changes[0, lay.flow_counts].sum(axis=0),
            "tta_usd_m": c.tta[0, lay.flow_counts].sum(axis=0),
            "deals_usd_m": c.deals[0, lay.deal_counts].sum(axis=0),
        }

    @cached_property
    def not_counted(self) -> dict[str, np.ndarray]:
        """Trade in the categories the target does not count, by category and year [US$ m]."""
        c, lay = self.components, self.layout
        flows = c.flows()[0]
        out: dict[str, np.ndarray] = {}
        for category in CATEGORIES:
            if category in self.scenario.target.counts:
                continue
            in_flows = np.array([fc == category for fc in lay.flow_category], dtype=bool)
            in_deals = np.array([dc == category for dc in lay.deal_category], dtype=bool)
            if in_flows.any() or in_deals.any():
                out[category] = flows[in_flows].sum(axis=0) + c.deals[0, in_deals].sum(axis=0)
        return out

    def history(self) -> list[dict[str, Any]]:
        """The record (observed values), oldest first: the JSON ``history`` rows."""
        return self.history_rows

    def measure_parts(self, year: int | None = None) -> dict[str, float]:
        """:attr:`measure_layers` in one year (default: the deadline) [US$ m]."""
        j = self.year_index(self.scenario.by_year if year is None else year)
        return {key: float(layer[j]) for key, layer in self.measure_layers.items()}

    columns = CSV_COLUMNS
    """The CSV columns, in order."""

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Tidy rows in :data:`CSV_COLUMNS` order: ``(scenario, year, ..., value, counted, kind)``.

        The record comes first, as ``component`` ``observed`` (``name`` says whose figure and
        which period, ``direction`` is empty for a total); the projection's rows follow, and
        summing those by year gives ``total_usd_m``, and the ``counted`` ones the measure.
        """
        layout, c, name = self.layout, self.components, self.scenario.name
        counts = self.scenario.target.counts
        yield from self._record_rows()
        for j, year in enumerate(self.years):
            for f, (direction, sector, category) in enumerate(
                zip(layout.flow_direction, layout.flow_sector, layout.flow_category, strict=True)
            ):
                for component, values, item in self._flow_components(f):
                    yield (
                        name,
                        int(year),
                        direction,
                        sector,
                        category,
                        component,
                        item,
                        float(values[0, f, j]),
                        category in counts,
                        "projection",
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
                    layout.deal_category[k] in counts,
                    "projection",
                )

    def _record_rows(self) -> Iterator[tuple[Any, ...]]:
        """The record's tidy rows: never counted; ``kind`` ``total`` or ``part`` (a direction)."""
        name = self.scenario.name
        for h in self.history():
            label = f"{h['reporter']} {h['period']}" + (
                f" {h['months']} months" if h["months"] else ""
            )
            cells = ("observed", label)
            yield (name, h["year"], "", "", "", *cells, float(h["total_usd_m"]), False, "total")
            for direction, part in h["by_direction_usd_m"].items():
                if part is not None:
                    yield (name, h["year"], direction, "", "", *cells, float(part), False, "part")

    def _flow_components(self, f: int) -> Iterator[tuple[str, np.ndarray, str]]:
        """``(component, values, name)`` on flow ``f``: baseline, pta, tariff_change, tta."""
        c, lay = self.components, self.layout
        yield "baseline", c.baseline, ""
        yield "pta", c.pta, ""
        if len(lay.change_flow):
            pairs = zip(lay.change_name, lay.change_flow, strict=True)
            names = "; ".join(n for n, flow in pairs if flow == f)
            yield "tariff_change", c.tariff_changes, names
        yield "tta", c.tta, ""

    def breakdown(self, year: int | None = None) -> list[dict[str, Any]]:
        """Trade by (direction, sector, category) in one year (default: the deadline)."""
        if year is None or year == self.scenario.by_year:
            return self.breakdown_rows
        return self._breakdown(year)

    def _breakdown(self, year: int) -> list[dict[str, Any]]:
        groups: dict[tuple[str, str, str], dict[str, Any]] = {}
        for _, y, direction, sector, category, component, _, value, *_ in self.rows():
            if y != year or component == "observed":
                continue
            group = groups.setdefault(
                (direction, sector, category),
                {
                    "direction": direction,
                    "sector": sector,
                    "category": category,
                    "counts": category in self.scenario.target.counts,
                    **{key: 0.0 for _, key in LEVER_COLUMNS},
                    "total_usd_m": 0.0,
                },
            )
            group[COMPONENT_KEYS[component]] += value
            group["total_usd_m"] += value
        return list(groups.values())

    def _assumptions(self) -> list[Assumption]:
        found = [
            Assumption(dotted(loc), self._changed_note(dotted(loc)) + item.assumption, item.source)
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

    def _changed_note(self, path: str) -> str:
        return f"({CHANGED_BY_SET}) " if path in self.overridden else ""

    def _unsourced(self) -> list[str]:
        return [
            dotted(loc)
            for loc, item in provenance_items(self.scenario)
            if must_be_sourced(loc) and item.source is None and item.assumption is None
        ]

    @property
    def lever_columns(self) -> tuple[tuple[str, str], ...]:
        """The lever columns this projection shows (:func:`lever_columns`)."""
        return lever_columns(self.scenario)

    def odds_note(self) -> str:
        """Why the projection carries no odds (JSON ``odds_note``): no `uncertainty:` block,
        or not asked for."""
        return NO_ODDS if self.scenario.uncertainty is None else ODDS_NOT_ASKED

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `tradecalc project` (scenario-format.md): a copy, so the
        result stays as it was built; reads what was computed, never runs the odds."""
        s = self.scenario
        odds = {"odds_note": self.odds_note()} if self.odds is None else {"odds": self.odds}
        return copy.deepcopy(
            {
                "scenario": {
                    "name": s.name,
                    "path": self.path,
                    "description": s.description,
                    "base_year": s.base_year,
                    "horizon": s.horizon,
                },
                "economies": [{"code": c, "name": s.economy_name(c)} for c in s.codes],
                "directions": {d: s.direction_label(d) for d in s.directions},
                "baseline_reporter": s.reporter,
                "target": {
                    "value_usd_m": s.target.value_usd_m,
                    "by_year": s.by_year,
                    "counts": list(s.target.counts),
                    "counts_text": self.counts_text,
                    "reached_year": self.reached_year,
                    "required_cagr": self.required_cagr,
                    "measure_at_by_year_usd_m": self.measure_at_by_year,
                    "gap_at_by_year_usd_m": self.gap_at_by_year,
                    "other_reporter": self.other_reporter,
                },
                **odds,
                "outside_view": self.outside_view,
                **({"normal_level": self.normal_level} if self.normal_level else {}),
                "years": self.years_rows,
                "history": self.history(),
                "mirror": self.mirror_rows,
                "overrides": list(self.overrides),
                "smart": self.smart,
                "breakdown_at_by_year": self.breakdown(),
                "assumptions": [a.__dict__ for a in self.assumptions],
                "unsourced": self.unsourced,
                "sources": [src.model_dump(exclude_none=True) for src in s.sources],
            }
        )

    @property
    def frame(self) -> Any:
        """Long-form pandas DataFrame, one row per value: the columns of the CSV output."""
        import pandas as pd

        return pd.DataFrame.from_records(list(self.rows()), columns=list(CSV_COLUMNS))


def counts_text(counts) -> str:
    """``"goods and energy (customs-comparable); not counted: services, brokered, ..."``."""
    counted = [c for c in CATEGORIES if c in counts]
    left_out = [c for c in CATEGORIES if c not in counts]
    text = " and ".join([", ".join(counted[:-1]), counted[-1]] if len(counted) > 1 else counted)
    if set(counted) == {"goods", "energy"}:
        text += " (customs-comparable)"
    return text + (f"; not counted: {', '.join(left_out)}" if left_out else "; counts everything")
