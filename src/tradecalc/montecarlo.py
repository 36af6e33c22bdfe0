"""Monte Carlo over a scenario's `uncertainty:` block (methods.md section 8).

Random numbers are drawn once as standard *shocks* and then mapped onto parameters, so the
same shocks can be reused for another parameter value (common random numbers, for a
smooth goal seek). Draws run through :func:`~tradecalc.engine.evaluate` in fixed-size
chunks on the draw axis: memory stays bounded whatever the number of draws.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tradecalc import budget
from tradecalc.engine import Layout, Params, compile_scenario, evaluate_measure
from tradecalc.model import (
    level_shock_factor,
    poisson_delay,
    reached_year_index,
    shock_sd_from_history,
    two_piece_lognormal,
)
from tradecalc.model.deal_risk import Z90
from tradecalc.scenario import Scenario, Uncertainty, yearly_log_changes
from tradecalc.verdict import check_finite, deadline_index
from tradecalc.yamlread import fail

CHUNK = 2_000
"""Draws per engine call: small enough to stay in cache (fastest here, 2,000 of 1,000 to
20,000 tried) and fixed, so a seed gives the same numbers on every machine."""
PERCENTILES = (10, 50, 90)
MAX_VALUES = 30_000_000
"""Draws x years kept for the percentiles at most (240 MB): 2.3 million draws over 13 years."""


STREAMS = (
    "theta",
    "utilization",
    "growth",
    "method",
    "success",
    "level",
    "flow_level",
    "value",
    "delay",
    "survival",
)
"""One independent random stream per kind of shock (children of the seed's SeedSequence), so
drawing one kind or not (e.g. no level shocks when ``shock_sd`` is 0) leaves the others as
they were: common random numbers across the trials of a goal seek."""


def streams(seed: int) -> dict[str, np.random.Generator]:
    """The random generators of a run, one per kind of shock (:data:`STREAMS`)."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {
        kind: np.random.default_rng(child) for kind, child in zip(STREAMS, children, strict=True)
    }


@dataclass(frozen=True)
class Risk:
    """What the draws need beyond the point values: the resolved spreads of a scenario.

    ``shock_sd`` is the number used (calibrated from the record for ``from_history``, with
    the years it came from in ``shock_sd_years``); ``value_low``/``value_high`` are each
    deal's P10/P90 (``deal_value_scale`` applied; equal to the value for a deal without
    value risk).
    """

    shock_sd: float
    shock_sd_years: tuple[int, int] | None
    flow_shock_sd: float
    deal_draws: bool  # deals: bernoulli (success, value, delay, survival drawn)
    value_low: np.ndarray  # (K,)
    value_high: np.ndarray  # (K,)
    value_risk: bool
    delay_risk: bool
    survival_risk: bool
    max_delay: int  # delays beyond this start after the horizon: all the same


def level_shock_sd(scenario: Scenario) -> tuple[float, tuple[int, int] | None]:
    """``uncertainty.shock_sd`` as a number, and the ``[first, last]`` years it came from.

    ``from_history``: the sample standard deviation (n - 1) of the year-on-year log changes
    of the baseline reporter's calendar-year totals (methods.md 8), by
    :func:`~tradecalc.model.shock_sd_from_history` when the years run without a gap, else
    of the changes between consecutive years pooled. A number: that number, no years.
    """
    u = scenario.uncertainty
    if u is None or u.shock_sd != "from_history":
        return (0.0 if u is None else float(u.shock_sd)), None
    record = [(y, v) for y, v in scenario.calendar_record() if v > 0]
    changes = yearly_log_changes(record)
    used = sorted({y for y, _ in changes} | {y - 1 for y, _ in changes})
    if used == list(range(used[0], used[-1] + 1)):
        values = dict(record)
        sd = shock_sd_from_history([values[y] for y in used])
    else:
        sd = float(np.std([c for _, c in changes], ddof=1))
    return sd, (used[0], used[-1])


def risk_inputs(scenario: Scenario, layout: Layout, point: Params) -> Risk:
    """The :class:`Risk` of a scenario, resolved once per run."""
    u = scenario.uncertainty or Uncertainty()
    sd, years = level_shock_sd(scenario)
    value = point.deal_value[0]
    scale = scenario.deal_value_scale
    spread = np.exp(Z90 * u.deal_value_spread)
    low, high = value / spread, value * spread
    ranged = np.zeros(len(value), dtype=bool)
    for k, deal in enumerate(scenario.deals):
        if deal.value_range_usd_m is not None:
            low[k], high[k] = (scale * v for v in deal.value_range_usd_m)
            ranged[k] = True
    draws = u.deals == "bernoulli"
    return Risk(
        shock_sd=sd,
        shock_sd_years=years,
        flow_shock_sd=u.flow_shock_sd,
        deal_draws=draws,
        value_low=low,
        value_high=high,
        value_risk=draws and bool(ranged.any() or u.deal_value_spread > 0),
        delay_risk=draws and bool(np.any(point.deal_delay_mean > 0)),
        survival_risk=draws and bool(np.any(point.deal_survival < 1)),
        max_delay=len(layout.years),
    )


@dataclass(frozen=True)
class Shocks:
    """Standard random numbers for a chunk of draws, independent of parameter values.

    Optional kinds are None when the scenario does not use them.
    """

    theta: np.ndarray  # (D, S) standard normal, one per sector
    utilization: np.ndarray  # (D,) uniform [0, 1)
    growth: np.ndarray  # (D, F) standard normal, one per flow
    method: np.ndarray  # (D,) uniform [0, 1)
    deals: np.ndarray  # (D, K) uniform [0, 1): success; a group uses its first deal's column
    level: np.ndarray | None = None  # (D, Y - 1) standard normal: common annual shocks
    flow_level: np.ndarray | None = None  # (D, F, Y - 1) standard normal: per-flow shocks
    value: np.ndarray | None = None  # (D, K) standard normal: deal values
    delay: np.ndarray | None = None  # (D, K) uniform: start delays
    survival: np.ndarray | None = None  # (D, K) uniform: lifetimes

    @classmethod
    def draw(
        cls,
        rng: dict[str, np.random.Generator],
        draws: int,
        layout: Layout,
        risk: Risk | None = None,
    ) -> Shocks:
        """One chunk of shocks from the generators of :func:`streams`."""
        flows, deals, steps = len(layout.flow_sector), len(layout.deal_name), len(layout.years) - 1
        r = risk
        return cls(
            theta=rng["theta"].standard_normal((draws, len(layout.sectors))),
            utilization=rng["utilization"].random(draws),
            growth=rng["growth"].standard_normal((draws, flows)),
            method=rng["method"].random(draws),
            deals=rng["success"].random((draws, deals)),
            level=(rng["level"].standard_normal((draws, steps)) if r and r.shock_sd > 0 else None),
            flow_level=(
                rng["flow_level"].standard_normal((draws, flows, steps))
                if r and r.flow_shock_sd > 0
                else None
            ),
            value=rng["value"].standard_normal((draws, deals)) if r and r.value_risk else None,
            delay=rng["delay"].random((draws, deals)) if r and r.delay_risk else None,
            survival=rng["survival"].random((draws, deals)) if r and r.survival_risk else None,
        )


def apply_shocks(
    layout: Layout, point: Params, shocks: Shocks, spread: Uncertainty, risk: Risk | None = None
) -> Params:
    """Parameters of each draw: the point values moved by the shocks and the spreads.

    - theta: lognormal multiplier ``exp(sigma * z)`` per sector (median at the point value);
      the tariff exponent ``theta + 1`` moves with it (an exponent given directly is
      multiplied);
    - utilisation: uniform between ``utilization.low`` and ``.high``;
    - growth: point growth plus ``growth_sd * z`` per flow (kept above -0.99);
    - annual level shocks: a median-preserving random walk in the log level of the baseline,
      one shock a year common to all flows (``shock_sd``) times one per flow
      (``flow_shock_sd``), :func:`~tradecalc.model.level_shock_factor`;
    - transit conversion: one of ``tta_methods`` with equal odds;
    - deals (``bernoulli``): success with the deal's probability, one uniform per group (weight
      0 or 1); value from a two-piece lognormal (P10/P90 at the range's ends, or a lognormal
      with ``deal_value_spread``); a Poisson start delay in whole years; a geometric lifetime
      from the annual survival, as an end year. ``expected`` keeps every deal on its expected
      path (probability as a weight, expected delay and survival, central value).
    """
    multiplier = np.exp(spread.elasticity_spread * shocks.theta)  # (D, S)
    flow_theta = point.flow_theta * multiplier[:, layout.flow_sector_index]
    changes: dict[str, Any] = {
        "flow_theta": flow_theta,
        "flow_growth": np.maximum(point.flow_growth + spread.growth_sd * shocks.growth, -0.99),
    }
    for prefix in ("line", "change"):  # the exponent theta + 1, or a given exponent, moves too
        epsilon = getattr(point, f"{prefix}_epsilon")
        if epsilon.shape[1]:
            m = multiplier[:, getattr(layout, f"{prefix}_sector_index")]
            given = getattr(layout, f"{prefix}_tariff_exponent_given")
            changes[f"{prefix}_epsilon"] = np.where(given, epsilon * m, (epsilon - 1.0) * m + 1.0)
    if spread.utilization is not None:
        low, high = spread.utilization.low, spread.utilization.high
        changes["utilization"] = low + (high - low) * shocks.utilization
    if spread.tta_methods:
        methods = np.array([m == "ave" for m in spread.tta_methods])
        choice = np.minimum((shocks.method * len(methods)).astype(int), len(methods) - 1)
        changes["tta_use_ave"] = methods[choice]
    level = None
    if shocks.level is not None and risk is not None:
        level = level_shock_factor(shocks.level, risk.shock_sd)[:, np.newaxis, :]
    if shocks.flow_level is not None and risk is not None:
        per_flow = level_shock_factor(shocks.flow_level, risk.flow_shock_sd)
        level = per_flow if level is None else level * per_flow
    if level is not None:
        changes["flow_level"] = level
    if spread.deals == "bernoulli":
        changes.update(_deal_draws(layout, point, shocks, risk))
    return point.replace(**changes)


def _deal_draws(layout: Layout, point: Params, shocks: Shocks, risk: Risk | None) -> dict:
    """Success (by group), value, delayed start and lifetime of each deal in each draw."""
    success = shocks.deals[:, layout.deal_group] < point.deal_weight
    out: dict[str, np.ndarray] = {"deal_weight": success.astype(float)}
    if risk is None:
        return out
    if shocks.value is not None:
        value = point.deal_value
        with np.errstate(divide="ignore", invalid="ignore"):
            drawn = two_piece_lognormal(value, risk.value_low, risk.value_high, shocks.value)
        out["deal_value"] = np.where(value > 0.0, drawn, 0.0)
    start = point.deal_start
    if shocks.delay is not None:
        start = start + poisson_delay(shocks.delay, point.deal_delay_mean, risk.max_delay)
        out["deal_start"] = start
        out["deal_delay_mean"] = np.zeros_like(start)
    if shocks.survival is not None:
        q = point.deal_survival
        with np.errstate(divide="ignore", invalid="ignore"):
            years = np.ceil(np.log(shocks.survival) / np.log(q))
        lifetime = np.where(q >= 1.0, np.inf, np.fmax(1.0, years))  # alive for k < lifetime
        out["deal_end"] = np.minimum(point.deal_end, start + lifetime - 1.0)
        out["deal_survival"] = np.ones_like(q)
    return out


@dataclass(frozen=True)
class Simulation:
    """Summary of a Monte Carlo run of the measure (what the target counts)."""

    scenario: Scenario
    draws: int
    seed: int
    years: np.ndarray  # (Y,)
    mean: np.ndarray  # (Y,)
    percentiles: dict[int, np.ndarray]  # {10: (Y,), 50: ..., 90: ...}
    first_reached: np.ndarray  # (Y + 1,) share of draws first reaching in each year; last: never
    shock_sd: float = 0.0  # annual level-shock sd used (calibrated for from_history)
    shock_sd_years: tuple[int, int] | None = None  # [first, last] year it came from

    @property
    def probability_by_year(self) -> np.ndarray:
        """Share of draws that have reached the target by each year (cumulative)."""
        return np.cumsum(self.first_reached[:-1])

    @property
    def probability_at_deadline(self) -> float:
        return float(self.probability_by_year[deadline_index(self.scenario)])

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `tradecalc simulate` (scenario-format.md)."""
        s = self.scenario
        by_year = self.probability_by_year
        distribution = {
            str(int(year)): float(share)
            for year, share in zip(self.years, self.first_reached[:-1], strict=True)
            if share > 0
        }
        distribution["never"] = float(self.first_reached[-1])
        return {
            "scenario": {"name": s.name},
            "draws": self.draws,
            "seed": self.seed,
            "target": {
                "value_usd_m": s.target.value_usd_m,
                "by_year": s.by_year,
                "probability_by_year": self.probability_at_deadline,
            },
            "years": [
                {
                    "year": int(year),
                    "mean_usd_m": float(self.mean[j]),
                    "p10_usd_m": float(self.percentiles[10][j]),
                    "p50_usd_m": float(self.percentiles[50][j]),
                    "p90_usd_m": float(self.percentiles[90][j]),
                    "probability_reached": float(by_year[j]),
                }
                for j, year in enumerate(self.years)
            ],
            "reached_year_distribution": distribution,
            "shock_sd": self.shock_sd,
            "shock_sd_years": None if self.shock_sd_years is None else list(self.shock_sd_years),
        }


def measure_draws(
    scenario: Scenario,
    draws: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    where: str = "",
) -> tuple[Layout, np.ndarray]:
    """The measure of every draw by year, (draws, Y), computed chunk by chunk.

    ``where`` names the scenario (its file) in errors.
    """
    layout, point = compile_scenario(scenario)
    years = len(layout.years)
    if draws * years > MAX_VALUES:
        most = MAX_VALUES // years
        fail("--draws", None, "", f"at most {most:,} draws for {years} years, got {draws:,}")
    budget.check_work("--draws", draws, layout, "--draws, the deals or the horizon")
    chunk = budget.chunk_size(layout, CHUNK)  # CHUNK unless the scenario is very large
    spread = scenario.uncertainty or Uncertainty()
    risk = risk_inputs(scenario, layout, point)
    rng = streams(seed)
    out = np.empty((draws, len(layout.years)))
    for start in range(0, draws, chunk):
        size = min(chunk, draws - start)
        shocks = Shocks.draw(rng, size, layout, risk)
        params = apply_shocks(layout, point, shocks, spread, risk)
        out[start : start + size] = evaluate_measure(layout, params)
        check_finite(out[start : start + size], where or scenario.name)
        if progress is not None:
            progress(start + size, draws)
    return layout, out


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    where: str = "",
) -> Simulation:
    """Monte Carlo of a scenario: percentiles of the measure and the odds of the target.

    ``progress(done, total)`` is called after each chunk; ``where`` names the scenario's
    file in errors.
    """
    layout, measure = measure_draws(scenario, draws, seed, progress, where)
    years = len(layout.years)
    index = reached_year_index(measure, scenario.target.value_usd_m)
    counts = np.bincount(np.where(index < 0, years, index), minlength=years + 1)
    shock_sd, shock_sd_years = level_shock_sd(scenario)
    mean = measure.mean(axis=0)
    # the draws are not needed after this: partition them in place
    quantiles = percentiles(measure, PERCENTILES, overwrite=True)
    return Simulation(
        scenario=scenario,
        draws=draws,
        seed=seed,
        years=layout.years,
        mean=mean,
        percentiles=dict(zip(PERCENTILES, quantiles, strict=True)),
        first_reached=counts / draws,
        shock_sd=shock_sd,
        shock_sd_years=shock_sd_years,
    )


def percentiles(values: np.ndarray, qs, overwrite: bool = False) -> np.ndarray:
    """Percentiles ``qs`` of ``values`` along the first axis, (len(qs), ...).

    The linear interpolation of ``numpy.percentile``'s default method (Hyndman & Fan 1996,
    definition 7), by a partial sort; ``numpy.percentile`` would also import ``numpy.ma``,
    which costs more than the whole odds line of `project`. ``overwrite=True`` partitions
    ``values`` in place (no copy of a large array; its order along the axis is lost).
    """
    n = values.shape[0]
    position = np.asarray(qs, dtype=float) / 100.0 * (n - 1)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, n - 1)
    kth = sorted({*low.tolist(), *high.tolist()})  # not np.unique: it imports numpy.ma too
    if overwrite:
        values.partition(kth, axis=0)
        part = values
    else:
        part = np.partition(values, kth, axis=0)
    weight = (position - low).reshape(-1, *([1] * (values.ndim - 1)))
    return part[low] + weight * (part[high] - part[low])


def exact_deal_probability(scenario: Scenario, year: int | None = None) -> float:
    """P(measure >= target in ``year``) when only deal success is uncertain, by enumeration.

    Each group of deals shares one uniform ``u`` and a deal succeeds when ``u < p``: a
    group's outcomes are the intervals between its deals' sorted probabilities (for a group
    of one deal: success with ``p``, failure with ``1 - p``). Sums the probabilities of the
    outcome patterns across groups whose measure reaches the target (up to about 2**20
    patterns). The check of methods.md section 8 for the Monte Carlo.
    """
    layout, point = compile_scenario(scenario)
    j = (scenario.by_year if year is None else year) - scenario.base_year
    p = point.deal_weight[0]
    options = []  # per group: (probability, success mask over all deals) of each outcome
    for group in dict.fromkeys(layout.deal_group.tolist()):
        members = layout.deal_group == group
        cuts = np.unique(np.concatenate([[0.0, 1.0], p[members]]))
        options.append(
            [
                (hi - lo, members & (p > lo))  # u in [lo, hi): the deals with p > lo succeed
                for lo, hi in itertools.pairwise(cuts)
                if hi > lo
            ]
        )
    combos = list(itertools.product(*options))
    weight = np.array([np.prod([w for w, _ in combo]) for combo in combos])
    patterns = np.array(
        [np.any([mask for _, mask in combo], axis=0) if combo else p * 0 for combo in combos],
        dtype=float,
    ).reshape(-1, len(p))
    measure = evaluate_measure(layout, point.replace(deal_weight=patterns))[:, j]
    return float(weight[measure >= scenario.target.value_usd_m].sum())
