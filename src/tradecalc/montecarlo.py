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
from tradecalc.model import reached_year_index
from tradecalc.scenario import Scenario, Uncertainty
from tradecalc.verdict import check_finite, deadline_index
from tradecalc.yamlread import fail

CHUNK = 2_000
"""Draws per engine call: small enough to stay in cache (fastest here, 2,000 of 1,000 to
20,000 tried) and fixed, so a seed gives the same numbers on every machine."""
PERCENTILES = (10, 50, 90)
MAX_VALUES = 30_000_000
"""Draws x years kept for the percentiles at most (240 MB): 2.3 million draws over 13 years."""


@dataclass(frozen=True)
class Shocks:
    """Standard random numbers for a chunk of draws, independent of parameter values."""

    theta: np.ndarray  # (D, S) standard normal, one per sector
    utilization: np.ndarray  # (D,) uniform [0, 1)
    growth: np.ndarray  # (D, F) standard normal, one per flow
    method: np.ndarray  # (D,) uniform [0, 1)
    deals: np.ndarray  # (D, K) uniform [0, 1)

    @classmethod
    def draw(cls, rng: np.random.Generator, draws: int, layout: Layout) -> Shocks:
        return cls(
            theta=rng.standard_normal((draws, len(layout.sectors))),
            utilization=rng.random(draws),
            growth=rng.standard_normal((draws, len(layout.flow_sector))),
            method=rng.random(draws),
            deals=rng.random((draws, len(layout.deal_name))),
        )


def apply_shocks(layout: Layout, point: Params, shocks: Shocks, spread: Uncertainty) -> Params:
    """Parameters of each draw: the point values moved by the shocks and the spreads.

    - theta: lognormal multiplier ``exp(sigma * z)`` per sector (median at the point value);
    - utilisation: uniform between ``utilization.low`` and ``.high``;
    - growth: point growth plus ``growth_sd * z`` per flow (kept above -0.99);
    - transit conversion: one of ``tta_methods`` with equal odds;
    - deals: ``bernoulli`` succeeds with the deal's probability (weight 0 or 1), ``expected``
      keeps the probability as a weight.
    """
    multiplier = np.exp(spread.elasticity_spread * shocks.theta)  # (D, S)
    changes: dict[str, Any] = {
        "flow_theta": point.flow_theta * multiplier[:, layout.flow_sector_index],
        "line_theta": point.line_theta * multiplier[:, layout.line_sector_index],
        "flow_growth": np.maximum(point.flow_growth + spread.growth_sd * shocks.growth, -0.99),
    }
    if spread.utilization is not None:
        low, high = spread.utilization.low, spread.utilization.high
        changes["utilization"] = low + (high - low) * shocks.utilization
    if spread.tta_methods:
        methods = np.array([m == "ave" for m in spread.tta_methods])
        choice = np.minimum((shocks.method * len(methods)).astype(int), len(methods) - 1)
        changes["tta_use_ave"] = methods[choice]
    if spread.deals == "bernoulli":
        changes["deal_weight"] = (shocks.deals < point.deal_weight).astype(float)
    return point.replace(**changes)


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
    rng = np.random.default_rng(seed)
    out = np.empty((draws, len(layout.years)))
    for start in range(0, draws, chunk):
        size = min(chunk, draws - start)
        params = apply_shocks(layout, point, Shocks.draw(rng, size, layout), spread)
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
    mean = measure.mean(axis=0)
    # in place: the draws are not needed after this, and a copy would double the memory
    levels = np.percentile(measure, PERCENTILES, axis=0, overwrite_input=True)
    return Simulation(
        scenario=scenario,
        draws=draws,
        seed=seed,
        years=layout.years,
        mean=mean,
        percentiles=dict(zip(PERCENTILES, levels, strict=True)),
        first_reached=counts / draws,
    )


def exact_deal_probability(scenario: Scenario, year: int | None = None) -> float:
    """P(measure >= target in ``year``) when only the deals are uncertain, by enumeration.

    Sums the probabilities of the 2**K success patterns of the K deals whose measure reaches
    the target (K up to about 20). The check of methods.md section 8 for the Monte Carlo.
    """
    layout, point = compile_scenario(scenario)
    j = (scenario.by_year if year is None else year) - scenario.base_year
    p = point.deal_weight[0]
    patterns = np.array(list(itertools.product((0.0, 1.0), repeat=len(p)))).reshape(-1, len(p))
    measure = evaluate_measure(layout, point.replace(deal_weight=patterns))[:, j]
    weight = np.prod(np.where(patterns == 1.0, p, 1.0 - p), axis=1)
    return float(weight[measure >= scenario.target.value_usd_m].sum())
