"""The base rate of a multiple over a panel: how often pairs of a given size reached R times
their trade within H years (methods.md 14), with the size class's shock prior beside it.

Counted in DuckDB (:mod:`tradecalc.panel.windows`); the rate, its intervals and the
quantiles of the multiple in numpy (:mod:`tradecalc.model.rates`); the prior by empirical Bayes
(:mod:`tradecalc.model.size_prior`); ``calibrate=True`` adds the model's own calibration over
the same windows (:mod:`tradecalc.analysis.calibration`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.panel.info import PanelInfo
from tradecalc.panel.windows import Changes, Windows

DEFAULT_BAND = 2.0
"""The size class: V_t within a factor of this of the base value."""
CSV_COLUMNS = (
    "economy_a",
    "economy_b",
    "start_year",
    "value_usd_m",
    "peak_usd_m",
    "multiple",
    "success",
)
"""One row per window of the reference class: anyone can count the rate again."""
CALIBRATION_COLUMNS = ("model_pit", "model_probability")
"""With ``--calibrate``: the model's PIT of the outcome and its P(success), per window."""


def describe(info: PanelInfo, named: bool = True) -> dict[str, Any]:
    """The JSON ``panel`` object: what the panel is, its years, and how it records absence."""
    return {
        **info.to_dict(),
        "years": list(info.years),
        "absence": info.absence,
        "label": info.label,
        "chosen": "named by --panel"
        if named
        else "no --panel given: "
        + ("the shipped panel" if info.shipped else "the first panel in the store"),
    }


@dataclass(frozen=True, eq=False)
class BaseRate:
    """A base rate, computed before anything is drawn: counts, intervals, quantiles, the size
    class's shock prior and (with ``calibrate``) the model's calibration."""

    panel: dict[str, Any]
    base_usd_m: float
    target_usd_m: float
    horizon: int
    band: float
    windows: Windows = field(repr=False)
    successes: np.ndarray = field(repr=False)  # (W,) bool
    rate_interval: tuple[float, float] | None
    rate_interval_clustered: tuple[float, float] | None
    shock_sd: dict[str, Any]
    model: dict[str, Any] | None = None
    calibration: Any = field(default=None, repr=False)  # analysis.calibration.Calibration

    @property
    def multiple(self) -> float:
        return self.target_usd_m / self.base_usd_m

    @property
    def size_band_usd_m(self) -> tuple[float, float]:
        return self.base_usd_m / self.band, self.base_usd_m * self.band

    @property
    def multiples(self) -> np.ndarray:
        """max(V_{t+1..t+H}) / V_t of every window."""
        return self.windows.peak / self.windows.value

    @property
    def rate(self) -> float | None:
        n = len(self.successes)
        return float(self.successes.sum()) / n if n else None

    def counts(self) -> dict[str, int]:
        w, s = self.windows, self.successes
        return {
            "windows": len(w.pair),
            "pairs": len(np.unique(w.pair)),
            "successes": int(s.sum()),
            "successful_pairs": len(np.unique(w.pair[s])),
        }

    def window_years(self) -> tuple[int, int] | None:
        y = self.windows.year
        return (int(y.min()), int(y.max())) if len(y) else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `baserate` (and ``outside_view.base_rate`` of `project`)."""
        from tradecalc.model.rates import multiple_quantiles

        panel = {**self.panel, "window_start_years": _list(self.window_years())}
        return {
            "panel": panel,
            "base_usd_m": self.base_usd_m,
            "target_usd_m": self.target_usd_m,
            "multiple": self.multiple,
            "horizon": self.horizon,
            "size_band_usd_m": list(self.size_band_usd_m),
            **self.counts(),
            "rate": self.rate,
            "rate_interval": _list(self.rate_interval),
            "rate_interval_clustered": _list(self.rate_interval_clustered),
            "multiple_quantiles": multiple_quantiles(self.multiples),
            "shock_sd": self.shock_sd,
            "model": self.model,
        }

    @property
    def columns(self) -> tuple[str, ...]:
        """The CSV's columns: with ``calibrate``, each window's PIT and P(success) too."""
        return CSV_COLUMNS + (CALIBRATION_COLUMNS if self.calibration is not None else ())

    def rows(self):
        """One dict per window (the CSV): the pair, its start year and what followed; with
        ``calibrate`` the model's PIT and P(success) there (empty where not scored)."""
        w = self.windows
        scored = {}
        if self.calibration is not None:
            c = self.calibration
            scored = {int(k): (c.pit[j], c.probability[j]) for j, k in enumerate(c.scored)}
        for i in range(len(w.pair)):
            a, b = w.names[w.pair[i]]
            row = {
                "economy_a": a,
                "economy_b": b,
                "start_year": int(w.year[i]),
                "value_usd_m": float(w.value[i]),
                "peak_usd_m": float(w.peak[i]),
                "multiple": float(w.peak[i] / w.value[i]),
                "success": bool(self.successes[i]),
            }
            if self.calibration is not None:
                pit, p = scored.get(i, (None, None))
                row["model_pit"] = None if pit is None else float(pit)
                row["model_probability"] = None if p is None else float(p)
            yield row

    @property
    def frame(self):
        """The windows as a pandas DataFrame: the CSV's columns."""
        import pandas as pd

        return pd.DataFrame.from_records(list(self.rows()), columns=list(self.columns))


def _list(pair) -> list | None:
    return None if pair is None else list(pair)


def check_question(base: float, target: float, horizon: int, band: float) -> None:
    """One line per bad number (``--base: ...``), exit 2."""
    problems = []
    for name, value in (("--base", base), ("--target", target)):
        if not (math.isfinite(value) and value > 0):
            problems.append(Problem(name, None, "", f"must be a positive number, not {value!r}"))
    if horizon < 1:
        problems.append(Problem("--horizon", None, "", f"must be at least 1 year, not {horizon}"))
    if not (math.isfinite(band) and band > 1):
        problems.append(Problem("--band", None, "", f"must be a number above 1, not {band!r}"))
    if problems:
        raise ScenarioError(problems)


def base_rate(
    panel: PanelInfo,
    base: float,
    target: float,
    horizon: int,
    band: float = DEFAULT_BAND,
    *,
    calibrate: bool = False,
    seed: int = 0,
    named: bool = True,
) -> BaseRate:
    """Count the reference class of (pair, t) with V_t in [B/K, B K] and a value in each of
    t+1..t+H; a window succeeds when max(V_{t+1..t+H}) >= (T / B) V_t (first passage)."""
    import duckdb

    from tradecalc.model.rates import clustered_interval, wilson_interval
    from tradecalc.panel import query
    from tradecalc.panel import windows as pw

    check_question(base, target, horizon, band)
    low, high = base / band, base * band
    con = query.connect()
    try:
        raw = query.read_expression(panel.path, panel.columns)
        pw.load_series(con, raw, panel.absence, query.successor)
        found = pw.windows(con, low, high, horizon)
        in_class = pw.changes(con, low, high)
        every = pw.changes(con) if calibrate else None
    except duckdb.Error as error:  # a file whose values are not numbers, ...
        message = f"cannot count: {str(error).splitlines()[0]}"
        raise ScenarioError([Problem(str(panel.path), None, "", message)]) from None
    finally:
        con.close()
    ok = found.peak >= (target / base) * found.value
    n = len(ok)
    by_pair = np.bincount(found.pair, minlength=len(found.names))
    wins = np.bincount(found.pair, ok.astype(float), minlength=len(found.names))
    seen = by_pair > 0
    result = BaseRate(
        panel=describe(panel, named),
        base_usd_m=float(base),
        target_usd_m=float(target),
        horizon=int(horizon),
        band=float(band),
        windows=found,
        successes=ok,
        rate_interval=wilson_interval(int(ok.sum()), n) if n else None,
        rate_interval_clustered=clustered_interval(wins[seen], by_pair[seen]) if n else None,
        shock_sd=class_shock_sd(in_class),
    )
    if every is None:  # not calibrate
        return result
    from dataclasses import replace

    from tradecalc.analysis.calibration import calibrate as run_calibration

    calibration = run_calibration(found, every, (low, high), horizon, target / base, seed=seed)
    return replace(result, model=calibration.summary(), calibration=calibration)


def class_shock_sd(changes: Changes) -> dict[str, Any]:
    """The JSON ``shock_sd``: the size class's prior sd (item 3 of the odds issue)."""
    from tradecalc.model.size_prior import METHOD, size_class_prior

    sd, df, info = size_class_prior(changes.change, changes.pair)
    return {
        "estimate": None if not math.isfinite(sd) else sd,
        "changes": info["changes"],
        "pairs": info["pairs"],
        "df": df,
        "centre": info["centre"],
        "capped": info["capped"],
        "df_estimate": info["df_estimate"],
        "pooled_sd": info.get("pooled_sd"),
        "method": METHOD,
    }


def scenario_question(scenario) -> tuple[float, float, int]:
    """``(B, T, H)`` of a scenario: its measure in the base year (the central path), the
    target's value and ``by_year - base_year``."""
    from tradecalc.engine.compile import compile_scenario
    from tradecalc.engine.evaluate import evaluate_measure

    layout, params = compile_scenario(scenario)
    base = float(evaluate_measure(layout, params)[0, 0])
    return base, float(scenario.target.value_usd_m), scenario.by_year - scenario.base_year


BASE_RATE_CACHE = "base-rates.json"


def scenario_base_rate(scenario) -> dict[str, Any] | None:
    """The JSON ``outside_view.base_rate`` of a projection: the base rate of its own base,
    multiple and horizon on the panel ``--panel`` would choose (the first in the store, else
    AGTPA), counted once and cached; None when the base year's measure is not positive."""
    from tradecalc.panel.catalog import resolve
    from tradecalc.panel.class_prior import read_cache, write_cache

    base, target, horizon = scenario_question(scenario)
    if not base > 0:
        return None
    info = resolve(None)
    key = f"{info.id}|{info.rows}|{info.years[0]}-{info.years[1]}|{base!r}|{target!r}|{horizon}"
    cache = read_cache(BASE_RATE_CACHE)
    if key not in cache:
        cache[key] = base_rate(info, base, target, horizon, named=False).to_dict()
        write_cache(BASE_RATE_CACHE, cache)
    return cache[key]
