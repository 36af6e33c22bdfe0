"""Back-test: would the scenario's own growth and uncertainty have foreseen the record?

methods.md section 11. Rebase the scenario to an earlier observed year (the baseline flows
rescaled, shares kept, to that year's observed total), project to the last observed year with
the scenario's own growth, levers and `uncertainty:` block, and score the central path and the
P10-P90 band against the observations. The record is the baseline reporter's calendar-year
totals in `history:`; they are customs figures, so the back-test measures the
customs-comparable categories (goods and energy), whatever the target counts.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from tradecalc.core.errors import Problem, ScenarioError, UsageError
from tradecalc.engine.evaluate import compile_scenario, evaluate_measure
from tradecalc.engine.montecarlo import PERCENTILES, measure_draws, percentiles
from tradecalc.engine.shock_estimate import shock_estimate
from tradecalc.model import (
    band_coverage,
    inside_band,
    log_error,
    mean_absolute_log_error,
    rescale_to_total,
)
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.terms import CUSTOMS_CATEGORIES

DEFAULT_DRAWS = 10_000
RECORD_MEASURE = "goods and energy (customs-comparable), like the record"
"""What a back-test measures (the record's customs figures), in its JSON ``measure``."""
POINT_BAND = (
    "without an uncertainty: block the band is a single point (P10 = P90 = the central path), "
    "so coverage is not meaningful; add one (docs/scenario-format.md) for a band"
)
"""Why coverage means nothing for a scenario with no spread (JSON ``coverage_note``)."""


def rebased(scenario: Scenario, from_year: int, observed_usd_m: float, last_year: int) -> Scenario:
    """The scenario started in ``from_year`` at the observed total and run to ``last_year``.

    The customs-comparable flows are rescaled to the observed total (their shares kept; the
    other flows by the same factor); the target counts goods and energy, like the record;
    levers keep their own start years (a lever starting after ``last_year`` does nothing).
    The copy is not validated again: a start year after the new horizon is allowed here.
    """
    flows = scenario.baseline.flows
    customs = np.array([f.category in CUSTOMS_CATEGORIES for f in flows])
    values = np.array([f.value_usd_m for f in flows])
    scaled = rescale_to_total(values[customs], observed_usd_m)
    factor = observed_usd_m / values[customs].sum()
    new_values = values * factor
    new_values[customs] = scaled
    return scenario.model_copy(
        update={
            "base_year": from_year,
            "horizon": last_year,
            "target": scenario.target.model_copy(
                update={"by_year": last_year, "counts": list(CUSTOMS_CATEGORIES)}
            ),
            "baseline": scenario.baseline.model_copy(
                update={
                    "flows": [
                        f.model_copy(update={"value_usd_m": float(v)})
                        for f, v in zip(flows, new_values, strict=True)
                    ]
                }
            ),
        }
    )


def backtest_document(
    scenario: Scenario,
    from_year: int | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    where: str = "",
) -> dict[str, Any]:
    """The JSON document of `tradecalc backtest` (scenario-format.md).

    ``from_year`` defaults to the first year of the record. Raises ScenarioError (exit 2)
    when the record has fewer than two years, ``from_year`` is not one of them or is the
    last, or the customs-comparable flows sum to 0 (no shares to keep).
    """
    where = where or scenario.name
    s = scenario
    record = observed_record(s, where)
    start, last = _start_year(s, record, from_year)
    check_rescalable(s, record, start, where)
    test = rebased(s, start, record[start], last)
    band = _projected_band(test, draws, seed, where)
    rows, mean_abs_log_error, coverage = _scored_years(record, start, band)
    shock = shock_estimate(test)
    shock_sd, shock_years = shock.sd, shock.years
    return {
        "scenario": {"name": s.name},
        "from_year": start,
        "reporter": s.reporter,
        "measure": RECORD_MEASURE,
        "observed_from_usd_m": record[start],
        "draws": draws,
        "seed": seed,
        "years": rows,
        "mean_abs_log_error": mean_abs_log_error,
        "coverage": coverage,
        "coverage_note": POINT_BAND if s.uncertainty is None else None,
        "shock_sd": shock_sd,
        "shock_sd_years": None if shock_years is None else list(shock_years),
        "in_sample": shock_years is not None and shock_years[1] > start,
        "shock": shock.to_dict(),
        "path": _path_rows(band),
    }


def observed_record(s: Scenario, where: str) -> dict[int, float]:
    """The baseline reporter's calendar-year totals, at least two of them."""
    record = dict(s.calendar_record())
    if len(record) < 2:
        raise ScenarioError(
            [
                Problem(
                    where,
                    None,
                    "history",
                    f"the back-test needs at least two of {s.reporter}'s calendar-year totals "
                    f"(the baseline reporter's), found {len(record)}",
                )
            ]
        )
    return record


def _start_year(s: Scenario, record: dict[int, float], from_year: int | None) -> tuple[int, int]:
    """The year to start from (by default the record's first) and the record's last year."""
    years = sorted(record)
    last = years[-1]
    start = years[0] if from_year is None else from_year
    if start not in record or start == last:
        raise ScenarioError(
            [
                Problem(
                    "--from",
                    None,
                    "",
                    f"must be a year of {s.reporter}'s calendar-year record before its last "
                    f"year {last} ({', '.join(str(y) for y in years[:-1])}), got {start}",
                )
            ]
        )
    return start, last


def check_rescalable(s: Scenario, record: dict[int, float], start: int, where: str) -> None:
    """Raise unless the goods and energy flows and the observed start total are above 0."""
    if sum(f.value_usd_m for f in s.baseline.flows if f.category in CUSTOMS_CATEGORIES) <= 0:
        raise ScenarioError(
            [
                Problem(
                    where,
                    None,
                    "baseline.flows",
                    "the goods and energy flows sum to 0: no shares to rescale to the record",
                )
            ]
        )
    if record[start] <= 0:
        raise UsageError("--from", f"the observed total of {start} is 0: nothing to rescale")


class _Band(NamedTuple):
    """The rebased scenario's central path and its simulated P10/P50/P90, by year."""

    years: np.ndarray
    central: np.ndarray
    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray


def _projected_band(test: Scenario, draws: int, seed: int, where: str) -> _Band:
    """The central path (every input at its point value) and the band of ``draws`` paths."""
    layout, point = compile_scenario(test)
    central = evaluate_measure(layout, point)[0]
    _, measure = measure_draws(test, draws, seed, where=where)
    p10, p50, p90 = percentiles(measure, PERCENTILES, overwrite=True)
    return _Band(layout.years, central, p10, p50, p90)


def _scored_years(
    record: dict[int, float], start: int, band: _Band
) -> tuple[list[dict[str, Any]], float, float]:
    """Each observed year after ``start`` against the band, the mean absolute log error of
    the central path and the share of years inside the P10-P90 band."""
    index = {int(y): j for j, y in enumerate(band.years)}
    observed_years = [y for y in sorted(record) if y > start]
    obs = np.array([record[y] for y in observed_years])
    at = [index[y] for y in observed_years]
    central, p10, p50, p90 = band.central[at], band.p10[at], band.p50[at], band.p90[at]
    inside = inside_band(obs, p10, p90)
    with np.errstate(divide="ignore"):
        errors = log_error(obs, central)
    rows = [
        {
            "year": y,
            "observed_usd_m": float(obs[i]),
            "projected_usd_m": float(central[i]),
            "p10_usd_m": float(p10[i]),
            "p50_usd_m": float(p50[i]),
            "p90_usd_m": float(p90[i]),
            "inside_band": bool(inside[i]),
            "log_error": float(errors[i]),
        }
        for i, y in enumerate(observed_years)
    ]
    mean_abs_log_error = float(mean_absolute_log_error(obs, central))
    return rows, mean_abs_log_error, float(band_coverage(obs, p10, p90))


def _path_rows(band: _Band) -> list[dict[str, Any]]:
    """The whole projected path and its band, year by year."""
    return [
        {
            "year": int(y),
            "projected_usd_m": float(band.central[j]),
            "p10_usd_m": float(band.p10[j]),
            "p50_usd_m": float(band.p50[j]),
            "p90_usd_m": float(band.p90[j]),
        }
        for j, y in enumerate(band.years)
    ]
