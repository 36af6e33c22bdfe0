"""The verdict of a measure against its target, computed in one place for every command.

The deadline's index, the first year the target is reached, the gap at the deadline,
whether the target is met in time, and the refusal of results that overflowed: `project`,
`compare`, `sweep`, `simulate`, `sensitivity`, `solve` and `--check` all use these.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.model import gap, reached_year_index

OVERFLOW = (
    "results are too large to compute (not finite): "
    "check extreme values, growth rates, tariffs or elasticities"
)


def deadline_index(scenario) -> int:
    """Index of ``target.by_year`` (or the horizon) on the year axis."""
    return scenario.by_year - scenario.base_year


def reached_year(years, measure, target: float) -> int | None:
    """First year with ``measure >= target`` (``measure`` by year), or None."""
    index = int(reached_year_index(measure, target))
    return None if index < 0 else int(years[index])


def on_time(reached: int | None, by_year: int) -> bool:
    """Reached by the deadline: what `--check` and the green verdict mean."""
    return reached is not None and reached <= by_year


def gap_at_deadline(scenario, measure) -> float:
    """Target minus measure in the deadline year [US$ m]; negative when exceeded."""
    at = float(measure[deadline_index(scenario)])
    return float(gap(scenario.target.value_usd_m, at))


def outcome(scenario, years, measure) -> dict[str, Any]:
    """Reached year, measure and gap at the deadline: one row of `sweep`."""
    at = float(measure[deadline_index(scenario)])
    return {
        "reached_year": reached_year(years, measure, scenario.target.value_usd_m),
        "measure_at_by_year_usd_m": at,
        "gap_at_by_year_usd_m": float(gap(scenario.target.value_usd_m, at)),
    }


def check_finite(values, where: str, path: str = "") -> None:
    """Refuse results that overflowed (only extreme inputs together get there)."""
    if not np.isfinite(values).all():
        raise ScenarioError([Problem(where, None, path, OVERFLOW)])
