"""Rolling-origin back-test: the odds scored on years they did not see (methods.md 11).

For each origin year of the record, the scenario is rebased to that year's observed total
(:func:`~tradecalc.analysis.backtest.rebased`), every record after the origin is dropped (the
shock sd is estimated on the records up to it only, the pooling panel's too) and the next
1..h years are forecast by the scenario's own Monte Carlo; each forecast is scored against
the observation beside two naive forecasts of the log level: no change, and drift at the past
mean growth (Hyndman & Athanasopoulos 2021, section 5.5). Scores: coverage of P10-P90 and
P5-P95, the log score (mean log density of the observed log value, higher is better) and the
mean absolute log error of the point forecast (the model's central path; the naive ones'
median).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tradecalc.analysis.backtest import (
    DEFAULT_DRAWS,
    RECORD_MEASURE,
    check_rescalable,
    observed_record,
    rebased,
)
from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.engine.evaluate import compile_scenario, evaluate_measure
from tradecalc.engine.montecarlo import measure_draws, percentiles
from tradecalc.engine.shock_estimate import shock_estimate
from tradecalc.model.backtest import (
    kde_log_density_se,
    naive_forecast,
    student_t_log_density,
    student_t_quantile,
)
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.terms import yearly_log_changes

DEFAULT_HORIZON = 3
MIN_CHANGES = 2
"""Year-on-year changes an origin needs before it: the drift forecast's sd has divisor n - 1."""
METHODS = ("model", "no_change", "drift")
QUANTILES = (5, 10, 50, 90, 95)
LOG_SCORE_METHOD = (
    "model: a Gaussian kernel density of the log draws, Silverman's bandwidth h = 0.9 "
    "min(sd, IQR/1.34) m^-1/5; log_score_se the mean of the forecasts' delta-method errors "
    "(a bound: the forecasts of one origin share draws); naive: Student-t predictive, "
    "no change with n degrees of freedom, drift with n - 1 (methods.md 11)"
)


def rolling_backtest(
    scenario: Scenario,
    horizon: int = DEFAULT_HORIZON,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    where: str = "",
) -> dict[str, Any]:
    """The JSON document of `tradecalc backtest --rolling` (scenario-format.md).

    Raises ScenarioError (exit 2) when no origin has :data:`MIN_CHANGES` year-on-year changes
    before it and an observed year within ``horizon`` after it.
    """
    where = where or scenario.name
    record = observed_record(scenario, where)
    origins = _origins(scenario, record, horizon, where)
    forecasts, estimates = [], []
    for origin in origins:
        rows, estimate = _origin_forecasts(scenario, record, origin, horizon, draws, seed, where)
        forecasts += rows
        estimates.append({"origin": origin, **estimate})
    shock_model = estimates[0]["model"]
    return {
        "scenario": {"name": scenario.name},
        "reporter": scenario.reporter,
        "measure": RECORD_MEASURE,
        "draws": draws,
        "seed": seed,
        "shock_model": shock_model,
        "origins": origins,
        "horizon": horizon,
        "n_forecasts": len(forecasts),
        "scores": {m: _scores(forecasts, m) for m in METHODS},
        "log_score_method": LOG_SCORE_METHOD,
        "forecasts": forecasts,
        "estimates": estimates,
    }


def _origins(s: Scenario, record: dict[int, float], horizon: int, where: str) -> list[int]:
    """Years of the record with enough changes before them and an observation after."""
    years = sorted(record)
    found = [
        o
        for o in years
        if record[o] > 0
        and len(_changes(record, o)) >= MIN_CHANGES
        and any(o < y <= o + horizon for y in years)
    ]
    if not found:
        raise ScenarioError(
            [
                Problem(
                    where,
                    None,
                    "history",
                    f"the rolling back-test needs an origin year with at least {MIN_CHANGES} "
                    f"year-on-year changes of {s.reporter}'s calendar-year totals before it and "
                    f"an observed year within {horizon} after it; the record has "
                    f"{', '.join(str(y) for y in years)}",
                )
            ]
        )
    check_rescalable(s, record, found[0], where)
    return found


def _changes(record: dict[int, float], until: int) -> list[float]:
    """The consecutive year-on-year log changes of the record up to ``until``."""
    kept = [(y, v) for y, v in sorted(record.items()) if y <= until and v > 0]
    return [c for _, c in yearly_log_changes(kept)]


def _origin_forecasts(
    s: Scenario, record: dict[int, float], origin: int, horizon: int, draws, seed, where
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The forecasts from one origin of every observed year within the horizon, scored."""
    years = [y for y in sorted(record) if origin < y <= origin + horizon]
    test = rebased(s, origin, record[origin], years[-1])
    test = test.model_copy(update={"history": [h for h in s.history if h.year <= origin]})
    layout, point = compile_scenario(test)
    central = evaluate_measure(layout, point)[0]
    _, measure = measure_draws(test, draws, seed, where=where, until=origin)
    shock = shock_estimate(test, until=origin)
    index = {int(y): j for j, y in enumerate(layout.years)}
    steps = np.array(years) - origin
    shift, sd, df = naive_forecast(_changes(record, origin), steps)
    start = math.log(record[origin])
    rows = []
    for i, year in enumerate(years):
        j, observed = index[year], record[year]
        rows.append(
            {
                "origin": origin,
                "year": year,
                "horizon": int(steps[i]),
                "observed_usd_m": observed,
                "model": _sampled(measure[:, j], float(central[j]), observed),
                "no_change": _student(start + shift[0, i], sd[0, i], int(df[0]), observed),
                "drift": _student(start + shift[1, i], sd[1, i], int(df[1]), observed),
            }
        )
    return rows, {
        "observed_usd_m": record[origin],
        "model": shock.model,
        "shock_sd": shock.sd,
        "own_sd": shock.own_sd,
        "changes": shock.changes,
    }


def _sampled(values: np.ndarray, central: float, observed: float) -> dict[str, float]:
    """The model's forecast of one year from its draws: central path, quantiles, log score
    (a kernel density of the log draws) and the log score's Monte Carlo error."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(values)
    logs = logs[np.isfinite(logs)]
    q = percentiles(values.copy(), QUANTILES, overwrite=True)
    density, se = kde_log_density_se(logs, math.log(observed))
    return {
        "central_usd_m": central,
        **{f"p{p}_usd_m": float(v) for p, v in zip(QUANTILES, q, strict=True)},
        "log_density": density,
        "log_density_se": se,
    }


def _student(mean: float, scale: float, df: int, observed: float) -> dict[str, float]:
    """A naive forecast, Student-t in the log level: median, quantiles and log score."""
    z = {p: student_t_quantile(p / 100, df) for p in QUANTILES}
    return {
        "central_usd_m": math.exp(mean),
        **{f"p{p}_usd_m": math.exp(mean + z[p] * scale) for p in QUANTILES},
        "log_density": _t_density(math.log(observed), mean, scale, df),
        "df": df,
    }


def _t_density(x: float, mean: float, scale: float, df: int) -> float:
    """The t's log density; a forecast with no spread is a point mass (``-inf`` if missed)."""
    if not scale > 0:
        return math.inf if x == mean else -math.inf
    return float(student_t_log_density(x, mean, scale, df))


def _scores(forecasts: list[dict[str, Any]], method: str) -> dict[str, float]:
    """Coverage of P10-P90 and P5-P95, mean log score and mean absolute log error."""
    obs = np.array([f["observed_usd_m"] for f in forecasts])
    got = {k: np.array([f[method][k] for f in forecasts]) for k in forecasts[0][method]}
    return {
        "coverage_p10_p90": float(np.mean((obs >= got["p10_usd_m"]) & (obs <= got["p90_usd_m"]))),
        "coverage_p5_p95": float(np.mean((obs >= got["p5_usd_m"]) & (obs <= got["p95_usd_m"]))),
        "log_score": _mean_log_score(got["log_density"]),
        "mae_log": float(np.mean(np.abs(np.log(got["central_usd_m"]) - np.log(obs)))),
        **({"log_score_se": float(np.mean(got["log_density_se"]))} if method == "model" else {}),
    }


def _mean_log_score(densities: np.ndarray) -> float:
    """The mean log score; ``-inf`` (null in JSON) when a forecast without spread missed."""
    if np.any(densities == -np.inf):
        return -math.inf
    return float(np.mean(densities))
