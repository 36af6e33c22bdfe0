"""Several projections side by side (`tradecalc compare`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tradecalc.analysis.projection import LEVER_COLUMNS, Projection

COMPARE_CSV_COLUMNS = ("scenario", "path", "year", "measure_usd_m", "total_usd_m")


@dataclass(frozen=True)
class Comparison:
    """Projections of several scenarios, compared on their own targets and deadlines."""

    projections: tuple[Projection, ...]

    def __init__(self, projections: Sequence[Projection]):
        object.__setattr__(self, "projections", tuple(projections))

    columns = COMPARE_CSV_COLUMNS
    """The CSV columns (:meth:`rows`)."""
    lever_columns = LEVER_COLUMNS
    """Every lever's label and JSON key, in the order the views show them."""

    def rows(self) -> list[dict[str, Any]]:
        """The CSV rows: each scenario's measure and total by year."""
        return self.year_rows()

    @property
    def frame(self) -> Any:
        """Tidy pandas DataFrame of :meth:`rows` (the CSV's columns)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.rows(), columns=list(self.columns))

    @property
    def years(self) -> list[int]:
        """Every year any scenario projects, in order."""
        return sorted({int(y) for p in self.projections for y in p.years})

    def closest(self) -> Projection:
        """The scenario with the smallest gap at its deadline, as a share of its target, among
        the :meth:`comparable` ones (a measure that counts more is not closer, only larger).

        Ties go to the one that reaches its target first.
        """
        return min(self.comparable(), key=_gap_key)

    def best_odds(self) -> Projection | None:
        """The scenario with the best P(target by its deadline), or None without odds.

        A probability quoted only as a bound counts as its bound; ties keep the input order.
        """
        with_odds = [p for p in self.projections if p.odds is not None]
        return max(with_odds, key=chance, default=None)

    def ranked(self, by: str) -> Comparison:
        """The same projections ordered by ``gap`` (smallest share of the target first, as
        :meth:`closest`) or ``odds`` (best first; no odds last); ties keep the input order."""
        if by == "odds":
            order = sorted(self.projections, key=lambda p: -chance(p))
        else:
            order = sorted(self.projections, key=_gap_key)
        return Comparison(order)

    def comparable(self) -> list[Projection]:
        """The scenarios that count the same categories as most of them (on a tie, as the
        first one listed): the only ones :meth:`closest` chooses among."""
        groups: dict[frozenset[str], list[Projection]] = {}
        for p in self.projections:
            groups.setdefault(frozenset(p.scenario.target.counts), []).append(p)
        return max(groups.values(), key=len)  # the first of the largest groups

    def closest_note(self) -> str:
        """Which scenarios the closest was chosen among, when some count other categories."""
        among = self.comparable()
        if len(among) == len(self.projections):
            return ""
        left = [p.scenario.name for p in self.projections if p not in among]
        counts = ", ".join(among[0].scenario.target.counts)
        return (
            f"chosen among the {len(among)} that count {counts}; "
            f"not ranked, as they count other categories: {', '.join(left)}"
        )

    def notes(self) -> list[str]:
        """What differs between the scenarios and so limits the comparison."""
        notes = []
        for label, get in (
            ("base years", lambda p: p.scenario.base_year),
            ("deadlines", lambda p: p.scenario.by_year),
            ("horizons", lambda p: p.scenario.horizon),
            ("target values", lambda p: p.scenario.target.value_usd_m),
            ("counted categories", lambda p: ", ".join(p.scenario.target.counts)),
        ):
            values = [get(p) for p in self.projections]
            if len(set(values)) > 1:
                shown = "; ".join(
                    f"{p.scenario.name}: {v:g}"
                    if isinstance(v, float)
                    else f"{p.scenario.name}: {v}"
                    for p, v in zip(self.projections, values, strict=True)
                )
                notes.append(f"{label} differ ({shown}): each scenario is judged on its own")
        return notes

    def summary(self, p: Projection) -> dict[str, Any]:
        s = p.scenario
        return {
            "name": s.name,
            "path": p.path,
            "base_year": s.base_year,
            "by_year": s.by_year,
            "target_value_usd_m": s.target.value_usd_m,
            "counts": list(s.target.counts),
            "reached_year": p.reached_year,
            "required_cagr": p.required_cagr,
            "measure_at_by_year_usd_m": p.measure_at_by_year,
            "gap_at_by_year_usd_m": p.gap_at_by_year,
            "measure_parts_at_by_year": p.measure_parts(),
            "odds": p.odds,
        }

    def year_rows(self) -> list[dict[str, Any]]:
        """One row per (scenario, year): the `years` of the JSON and the CSV rows."""
        return [
            {
                "year": int(year),
                "scenario": p.scenario.name,
                "path": p.path,
                "measure_usd_m": float(p.measure[j]),
                "total_usd_m": float(p.total[j]),
            }
            for p in self.projections
            for j, year in enumerate(p.years)
        ]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `tradecalc compare` (scenario-format.md)."""
        return {
            "scenarios": [self.summary(p) for p in self.projections],
            "years": self.year_rows(),
            "closest": self.closest().scenario.name,
            "best_odds": None if (best := self.best_odds()) is None else best.scenario.name,
            "closest_among": [p.scenario.name for p in self.comparable()],
            "notes": self.notes(),
        }


def _gap_key(p: Projection) -> tuple[float, int]:
    """Gap at the deadline as a share of the target, then the reached year (never: last)."""
    share = p.gap_at_by_year / p.scenario.target.value_usd_m
    return (share, p.reached_year if p.reached_year is not None else 10_000)


def chance(p: Projection) -> float:
    """P(target by the deadline) of a projection for ranking: its bound when only a bound is
    resolved, -1 without odds."""
    odds = p.odds
    if odds is None:
        return -1.0
    value = odds["probability_by_year"]
    return float(odds["probability_below"] if value is None else value)
