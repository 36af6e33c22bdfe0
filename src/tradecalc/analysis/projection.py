"""A projection of one scenario: the numbers by year, the verdict, and provenance."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from tradecalc.engine import verdict
from tradecalc.engine.evaluate import Components, Layout, compile_scenario, evaluate
from tradecalc.model import required_cagr, smart_effects, staged_tariff, staging
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.pipeline import load_with_tree, overridden_items, validate_tree
from tradecalc.scenario.sections import must_be_sourced, provenance_items
from tradecalc.scenario.terms import CATEGORIES, DEFAULT_UTILIZATION, dotted
from tradecalc.scenario.yamlread import Doc

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
            "tariff_changes_usd_m": c.tariff_changes[0, lay.flow_counts].sum(axis=0),
            "tta_usd_m": c.tta[0, lay.flow_counts].sum(axis=0),
            "deals_usd_m": c.deals[0, lay.deal_counts].sum(axis=0),
        }

    @cached_property
    def not_counted(self) -> dict[str, np.ndarray]:
        """Trade in the categories the target does not count, by category and year [US$ m]."""
        c, lay = self.components, self.layout
        flows = c.flows()[0]
        out = {}
        for category in CATEGORIES:
            if category in self.scenario.target.counts:
                continue
            in_flows = np.array([fc == category for fc in lay.flow_category], dtype=bool)
            in_deals = np.array([dc == category for dc in lay.deal_category], dtype=bool)
            if in_flows.any() or in_deals.any():
                out[category] = flows[in_flows].sum(axis=0) + c.deals[0, in_deals].sum(axis=0)
        return out

    @property
    def counts_text(self) -> str:
        """What the measure counts and leaves out, in words."""
        return counts_text(self.scenario.target.counts)

    def history(self) -> list[dict[str, Any]]:
        """The record (observed values), oldest first: the JSON ``history`` rows."""
        return history_rows(self.scenario)

    def smart_side_outputs(self) -> list[dict[str, Any]] | None:
        """WITS-SMART's side outputs by year, for ``pta.method: smart`` (else None).

        Per year, summed over the PTA lines: trade creation and diversion, the importer's
        tariff revenue change ``t1 M1 - t0 M0 - t0 TD`` and the consumer-surplus gain
        ``0.5 (t0 - t1) TC`` [US$ m] (Laird & Yeats 1986), on the covered, utilised trade of
        the year's baseline at the year's staged tariff, with trade fully responded.
        """
        pta = self.scenario.pta
        if pta is None or pta.method != "smart":
            return None
        years = self.years
        phase = staging(years, pta.start_year, pta.phase_in_years)
        keys = [(f.direction, f.sector) for f in self.scenario.baseline.flows]
        totals = np.zeros((4, len(years)))
        for line in pta.lines:
            flow = keys.index((line.direction, line.sector))
            imports = self.components.baseline[0, flow] * line.coverage * pta.utilization_value
            tariff = staged_tariff(line.mfn_tariff, line.preferential_tariff, phase)
            effects = smart_effects(
                imports,
                tariff,
                line.mfn_tariff,
                line.partner_import_share,
                line.import_demand_elasticity,
                line.substitution_elasticity,
            )
            totals += np.asarray(effects)
        names = ("trade_creation", "trade_diversion", "tariff_revenue_change", "consumer_surplus")
        return [
            {"year": int(year), **{f"{n}_usd_m": float(totals[i, j]) for i, n in enumerate(names)}}
            for j, year in enumerate(years)
        ]

    def measure_parts(self, year: int | None = None) -> dict[str, float]:
        """:attr:`measure_layers` in one year (default: the deadline) [US$ m]."""
        j = self.at(self.scenario.by_year if year is None else year)
        return {key: float(layer[j]) for key, layer in self.measure_layers.items()}

    def by_year(self) -> list[dict[str, Any]]:
        """One summary dict per year, the JSON ``years`` rows."""
        c = self.components
        directions = self.scenario.directions
        flows_by_direction = {
            d: np.array([fd == d for fd in self.layout.flow_direction], dtype=bool)
            for d in directions
        }
        deals_by_direction = {
            d: np.array([dd == d for dd in self.layout.deal_direction], dtype=bool)
            for d in directions
        }
        flow_total = c.flows()[0]
        target = self.scenario.target.value_usd_m
        rows = []
        for j, year in enumerate(self.years):
            row = {
                "year": int(year),
                "total_usd_m": float(self.total[j]),
                "measure_usd_m": float(self.measure[j]),
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
            row["not_counted_usd_m"] = float(self.total[j] - self.measure[j])
            row["not_counted_by_category_usd_m"] = {
                category: float(values[j]) for category, values in self.not_counted.items()
            }
            # Python floats: past the float range (a subnormal target) is inf, without a warning
            row["share_of_target"] = float(self.measure[j]) / float(target)
            rows.append(row)
        return rows

    def rows(self):
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

    def _record_rows(self):
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

    def _flow_components(self, f: int):
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
        year = self.scenario.by_year if year is None else year
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

    @property
    def assumptions(self) -> list[Assumption]:
        """Inputs stated as assumptions, including defaults that are assumptions."""
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

        def row(lever, name, category, counts, values, item=None, path="") -> dict[str, Any]:
            changed = any(p == path or p.startswith(f"{path}.") for p in self.overridden)
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

    @cached_property
    def odds(self) -> dict[str, Any] | None:
        """The odds line's converged Monte Carlo (methods.md 8.1); None without an
        `uncertainty:` block."""
        c, lay = self.components, self.layout
        central = (
            c.flows()[0, lay.flow_counts].sum(axis=0),
            c.deals[0, lay.deal_counts].sum(axis=0),
        )
        odds = projection_odds(self.scenario, central=central)
        if odds is not None:
            odds["central_path_at_by_year_usd_m"] = self.measure_at_by_year
        return odds

    @cached_property
    def outside_view(self) -> dict[str, Any]:
        """The reference class of announced targets beside the growth this one needs."""
        return outside_view(self.scenario, self.required_cagr)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `tradecalc project` (scenario-format.md)."""
        s = self.scenario
        odds = {"odds_note": NO_ODDS} if self.odds is None else {"odds": self.odds}
        return {
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
            },
            **odds,
            "outside_view": self.outside_view,
            "years": self.by_year(),
            "history": self.history(),
            "mirror": mirror_rows(self.scenario),
            "overrides": list(self.overrides),
            "smart": self.smart_side_outputs(),
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


# --- the odds line and the outside view (issue 9; kept apart from the projection itself) ----

ODDS_DRAWS = 2_000
"""Draws the odds line of `project` starts with (grown while its probability is unresolved,
:func:`~tradecalc.engine.odds.scenario_odds`): one engine chunk, so it costs little."""
ODDS_SEED = 0
ODDS_METHOD = (
    "level shocks integrated exactly given the other draws (Rao-Blackwellised), the earlier "
    "years by importance sampling (methods.md 8.1)"
)


NO_ODDS = "none: the scenario has no uncertainty: block; add one (docs/scenario-format.md) for odds"
"""Why a projection carries no odds (JSON ``odds_note``, the Odds line)."""
INFINITE_MEAN = (
    "no finite mean: the shock sd is drawn from its posterior, whose heavy tail makes the "
    "expected level infinite; the draws' mean does not converge and moves with the seed"
)


def projection_odds(
    scenario: Scenario, draws: int = ODDS_DRAWS, seed: int = ODDS_SEED, central=None
) -> dict[str, Any] | None:
    """P(reached by the deadline) with its error, where it comes from, and P10/P50/P90, the
    mean and the central path of the measure in the deadline year (the JSON ``odds``).

    None when the scenario has no `uncertainty:` block. A probability not resolved (its
    standard error over a fifth of it, or under 0.001 %) is null, with ``..._below``, a
    bound. ``central``: the central path's counted flows and deals, if known.
    """
    if scenario.uncertainty is None:
        return None
    from tradecalc.engine.odds import quote, scenario_odds

    o = scenario_odds(scenario, draws, seed, central=central)
    shock_sd, shock_sd_years = o.shock_sd, o.shock_sd_years
    doc: dict[str, Any] = {"draws": o.draws, "seed": seed, "method": ODDS_METHOD}
    for key, p, se in (
        ("probability", o.probability, o.probability_se),
        ("probability_shocks_only", o.shocks_only, o.shocks_only_se),
        ("probability_without_shocks", o.without_shocks, o.without_shocks_se),
    ):
        value, below = quote(p, se, o.draws)
        name = "probability_by_year" if key == "probability" else key
        doc.update({name: value, f"{key}_se": se, f"{key}_below": below})
    doc["attribution_text"] = (
        attribution_text(doc, o) if shock_sd > 0 else "no level shocks: a plain share of the draws"
    )
    doc.update(
        {
            "central_path_at_by_year_usd_m": o.central_path,
            "p10_at_by_year_usd_m": o.percentiles[10],
            "p50_at_by_year_usd_m": o.percentiles[50],
            "p90_at_by_year_usd_m": o.percentiles[90],
            "mean_at_by_year_usd_m": o.mean,
            "mean_se": o.mean_se,
            "mean_finite": o.mean_finite,
            "mean_note": None if o.mean_finite else INFINITE_MEAN,
            **{f"p{q}_se": o.percentiles_se[q] for q in (10, 50, 90)},
            "shock_sd": shock_sd,
            "shock_sd_years": None if shock_sd_years is None else list(shock_sd_years),
            "shock": o.shock,
        }
    )
    return doc


def probability_text(value: float | None, se: float | None, below: float | None) -> str:
    """``"0.126 % ± 0.003"``: a probability with its standard error, or ``"under 0.1 %"``."""
    if value is None:
        return "n/a" if below is None else f"under {100 * below:g} %"
    if not se:
        return f"{100 * value:.1f} %"
    digits = int(min(4, max(1, -np.floor(np.log10(100 * se)))))
    return f"{100 * value:.{digits}f} % ± {100 * se:.{digits}f}"


def attribution_text(odds: dict[str, Any], o) -> str:
    """Where the odds come from, in one clause: P with the level shocks alone (everything
    else central) and with the deals and lever spreads alone (no level shocks); "mostly
    from" the one whose estimate is at least half of P while the other's is not."""

    def text(key: str) -> str:
        return probability_text(odds[key], odds[f"{key}_se"], odds[f"{key}_below"])

    p, shocks, deals = o.probability, o.shocks_only, o.without_shocks
    lead = "from both"
    if shocks >= p / 2 > deals:
        lead = "mostly from the shocks"
    elif deals >= p / 2 > shocks:
        lead = "mostly from the deals and levers"
    return (
        f"{lead}: {text('probability_shocks_only')} with the shocks alone, "
        f"{text('probability_without_shocks')} with the deals and levers alone"
    )


def outside_view(scenario: Scenario, required: float | None) -> dict[str, Any]:
    """The reference-class summary (methods.md 12) and its one line (``text``)."""
    from tradecalc.analysis import outside_view as reference

    return {
        **reference.summary(),
        "text": reference.outside_view_line(required, pair=scenario.codes),
    }


def counts_text(counts) -> str:
    """``"goods and energy (customs-comparable); not counted: services, brokered, ..."``."""
    counted = [c for c in CATEGORIES if c in counts]
    left_out = [c for c in CATEGORIES if c not in counts]
    text = " and ".join([", ".join(counted[:-1]), counted[-1]] if len(counted) > 1 else counted)
    if set(counted) == {"goods", "energy"}:
        text += " (customs-comparable)"
    return text + (f"; not counted: {', '.join(left_out)}" if left_out else "; counts everything")


def history_rows(s: Scenario) -> list[dict[str, Any]]:
    """The record of a scenario (observed values), oldest first; needs no projection."""
    return [
        {
            "year": h.year,
            "reporter": h.reporter,
            "period": h.period,
            "months": h.months,
            "total_usd_m": h.total_usd_m,
            "by_direction_usd_m": dict(h.by_direction or {}),
            "mirror": h.reporter != s.reporter,
            "label": observed_label(s, h),
            "source": h.source,
            "assumption": h.assumption,
        }
        for h in sorted(s.history, key=lambda h: (h.year, h.reporter != s.reporter, h.period))
    ]


def mirror_rows(s: Scenario) -> list[dict[str, Any]]:
    """Each year both reporters' calendar records hold, side by side: the baseline's, the mirror's.

    ``gap`` is the baseline reporter's total over the other's, minus one; by direction, the
    importer's figure (CIF) over the exporter's (FOB), minus one, where both give it. Only
    calendar years are paired: a fiscal year or a partial period measures something else.
    """
    own, other = s.reporter, next((c for c in s.codes if c != s.reporter), s.reporter)
    calendar = {(h.year, h.reporter): h for h in s.history if h.period == "calendar"}
    years = sorted({y for y, r in calendar if r == own} & {y for y, r in calendar if r == other})
    rows = []
    for year in years:
        mine, theirs = calendar[year, own], calendar[year, other]
        rows.append(
            {
                "year": year,
                "reporter": own,
                "mirror_reporter": other,
                "total_usd_m": mine.total_usd_m,
                "mirror_total_usd_m": theirs.total_usd_m,
                "gap": _ratio_gap(mine.total_usd_m, theirs.total_usd_m),
                "by_direction": {d: _direction_pair(s, d, mine, theirs) for d in s.directions},
            }
        )
    return rows


def _direction_pair(s: Scenario, direction: str, mine, theirs) -> dict[str, float | None]:
    """One direction as its importer and its exporter report it, and the CIF/FOB gap."""
    importer = direction.split("_to_")[1].upper()
    by_importer, by_exporter = (mine, theirs) if importer == s.reporter else (theirs, mine)
    imports = (by_importer.by_direction or {}).get(direction)
    exports = (by_exporter.by_direction or {}).get(direction)
    return {
        "importer_usd_m": imports,
        "exporter_usd_m": exports,
        "gap": _ratio_gap(imports, exports),
    }


def _ratio_gap(value: float | None, reference: float | None) -> float | None:
    """``value / reference - 1``; None where either is missing or the reference is 0."""
    if value is None or not reference:
        return None
    return value / reference - 1.0


def baseline_reporter_reason(s: Scenario) -> str:
    """Why the baseline follows its reporter's statistics, in a few words."""
    if s.baseline.reporter is not None:
        return "set in baseline.reporter"
    return "the first economy, by default (baseline.reporter not set)"


def observed_label(s: Scenario, h) -> str:
    """``"observed (AZE customs)"``, ``"mirror (PAK, FY Jul-Jun)"``, ...; an entry Comtrade
    marks not reported by the country (``is_reported: false``) is not called customs:
    ``"observed (PAK, UNSD aggregate, not as reported)"`` or ``"... (PAK, not as reported)"``.
    """
    kind = "observed" if h.reporter == s.reporter else "mirror"
    period = {
        "calendar": " customs",
        "fy_jul_jun": ", FY Jul-Jun",
        "partial": f", {h.months} months",
    }
    if getattr(h, "is_reported", None) is False:
        aggregate = ", UNSD aggregate" if getattr(h, "is_aggregate", None) else ""
        where = "" if h.period == "calendar" else period[h.period]
        return f"{kind} ({h.reporter}{where}{aggregate}, not as reported)"
    return f"{kind} ({h.reporter}{period[h.period]})"


def project(
    scenario: Scenario | Mapping[str, Any] | str | os.PathLike,
    path: str | None = None,
    overrides: Sequence[str] = (),
    text: str | None = None,
) -> Projection:
    """Project a scenario (a :class:`Scenario`, a path to a YAML file, or a mapping holding
    what such a file holds) year by year.

    ``overrides`` are ``KEY=VALUE`` assignments applied to a file, like ``--set``; the
    projection records them. ``text`` is the YAML when ``scenario`` is ``"-"`` (stdin).
    An invalid file or mapping raises :class:`~tradecalc.core.errors.ScenarioError` with
    every problem (a mapping's as ``<mapping>: path: message``).

    Use in a notebook::

        p = project("scenarios/base.yaml", overrides=["pta.utilization=0.9"])
        p.frame.groupby("year").value_usd_m.sum()   # == p.total
    """
    overridden: frozenset[str] = frozenset()
    if isinstance(scenario, Mapping) and not overrides:
        scenario = validate_tree(Doc(scenario, here=("<mapping>", None)), "<mapping>")
    elif isinstance(scenario, Mapping):
        raise TypeError("overrides apply to a file; change the mapping instead")
    if not isinstance(scenario, Scenario):
        path = str(scenario) if path is None else path
        scenario, tree = load_with_tree(scenario, text, overrides)
        overridden = frozenset(overridden_items(scenario, tree))
    elif overrides:
        raise TypeError("overrides apply to a file; use Scenario.replace() on a loaded scenario")
    return run_loaded(scenario, path or "", overrides, overridden)


def run_loaded(
    scenario: Scenario,
    path: str = "",
    overrides: Sequence[str] = (),
    overridden: frozenset[str] = frozenset(),
) -> Projection:
    """The projection of a scenario already loaded with ``overrides`` (recorded, not applied)."""
    layout, params = compile_scenario(scenario)
    components = evaluate(layout, params)
    verdict.check_finite(components.total(), path or scenario.name)
    return Projection(scenario, path, layout, components, tuple(overrides), frozenset(overridden))
