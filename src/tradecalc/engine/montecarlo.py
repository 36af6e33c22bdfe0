"""Monte Carlo over a scenario's `uncertainty:` block (methods.md section 8).

The shocks and their mapping onto parameters are in :mod:`tradecalc.engine.draws`, the fast
per-chunk computation in :mod:`tradecalc.engine.kernel`; this module runs the chunks, keeps
only what the summary needs (:mod:`tradecalc.engine.quantiles`) and summarises: memory stays flat
whatever the number of draws.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tradecalc.core.errors import fail
from tradecalc.engine import budget
from tradecalc.engine.compile import Layout, Params, compile_scenario
from tradecalc.engine.draws import Shocks, risk_inputs, streams
from tradecalc.engine.evaluate import evaluate_measure
from tradecalc.engine.kernel import Kernel
from tradecalc.engine.quantiles import RankWindows
from tradecalc.engine.verdict import check_finite, deadline_index
from tradecalc.model.mixture import finite_mean, round_up_bound
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.sections import Uncertainty

CHUNK = 8_000
"""Draws per engine call: fastest here of 1,000 to 32,000 tried (8,000 since the kernel reuses
its buffers: 12 % faster than 2,000 on base.yaml). The shocks fill each stream in draw order,
so the numbers do not depend on it; a chunk's arrays stay a few MB: memory stays flat."""
PERCENTILES = (10, 50, 90)
FEED = 16_384
"""Draws fed to the percentile windows at once (fewer, larger steps: less overhead)."""
CACHE_BYTES = 64 * 2**20
"""Shocks a goal seek keeps between its trials at most (10,000 draws of base.yaml: 6 MB)."""
MAX_VALUES = 30_000_000
"""Draws x years at most: a cap on the work of one run (2.3 million draws over 13 years), and
on the matrix :func:`measure_draws` keeps (240 MB); :func:`monte_carlo` keeps far less."""


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
    shock: dict[str, Any] | None = None  # the whole estimate (ShockEstimate.to_dict)

    @property
    def probability_by_year(self) -> np.ndarray:
        """Share of draws that have reached the target by each year (cumulative)."""
        return np.cumsum(self.first_reached[:-1])

    @property
    def probability_at_deadline(self) -> float:
        return float(self.probability_by_year[deadline_index(self.scenario)])

    @property
    def probability_se(self) -> float:
        """Binomial standard error of :attr:`probability_at_deadline`: sqrt(p (1 - p) / n)."""
        p = self.probability_at_deadline
        return float(np.sqrt(p * (1.0 - p) / self.draws))

    @property
    def none_reached(self) -> bool:
        """No draw reached the target by the deadline: the share 0 is only a bound."""
        return self.probability_at_deadline == 0.0

    @property
    def probability_below(self) -> float | None:
        """When no draw reached: the rule of three's 95 % bound ``3 / draws``, rounded up
        (:func:`~tradecalc.model.mixture.round_up_bound`); else None."""
        return round_up_bound(3.0 / self.draws) if self.none_reached else None

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
                "probability_by_year": None if self.none_reached else self.probability_at_deadline,
                "probability_se": self.probability_se,
                "probability_below": self.probability_below,
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
            "shock": self.shock,
            "mean_finite": self.mean_finite,
        }

    @property
    def mean_finite(self) -> bool:
        """False when the shock sd is drawn from its posterior: the mean is then infinite and
        the draws' mean does not converge (methods.md 8.1)."""
        return self.shock is None or finite_mean(self.shock)


def setup_run(
    scenario: Scenario, draws: int, until: int | None = None
) -> tuple[Layout, Params, Kernel, int]:
    """Compile, check the budget and build the kernel of a run; ``until``: the shock sd from
    records up to that year only (:func:`~tradecalc.engine.shock_estimate.shock_estimate`)."""
    if draws < 1:  # as the CLI's --draws says it (the library reached an IndexError)
        fail("--draws", None, "", "input should be greater than or equal to 1")
    layout, point = compile_scenario(scenario)
    years = len(layout.years)
    if draws * years > MAX_VALUES:
        most = MAX_VALUES // years
        fail("--draws", None, "", f"at most {most:,} draws for {years} years, got {draws:,}")
    budget.check_work("--draws", draws, layout, "--draws, the deals or the horizon")
    chunk = budget.chunk_size(layout, CHUNK)  # CHUNK unless the scenario is very large
    spread = scenario.uncertainty or Uncertainty()
    kernel = Kernel(layout, point, spread, risk_inputs(scenario, layout, point, until))
    return layout, point, kernel, chunk


def _chunks(kernel: Kernel, draws: int, seed: int, chunk: int, where: str, cache=None):
    """The measure of each chunk of draws, year-major (Y, size), in order, checked finite:
    the kernel's buffer, valid until the next chunk.

    ``cache`` (a dict, optional) keeps the chunks' shocks for the next run with the same
    draws, seed and kinds of shock (a goal seek's trials), up to :data:`CACHE_BYTES`.
    """
    spread = kernel.spread
    growth, theta = spread.growth_sd != 0, spread.elasticity_spread != 0
    risk, layout = kernel.risk, kernel.layout
    key = (
        draws,
        seed,
        chunk,
        len(layout.sectors),
        len(layout.flow_sector),
        len(layout.deal_name),
        len(layout.years),
        growth,
        theta,
        risk.shock_sd > 0,
        risk.flow_shock_sd > 0,
        risk.value_risk,
        risk.delay_risk,
        risk.survival_risk,
    )
    kept = cache.get(key) if cache is not None else None
    rng = streams(seed) if kept is None else {}  # none needed when the shocks are kept
    fresh: list[Shocks] | None = [] if cache is not None and kept is None else None
    kept_bytes = 0
    for n, start in enumerate(range(0, draws, chunk)):
        size = min(chunk, draws - start)
        if kept is not None:
            shocks = kept[n]
        else:
            shocks = Shocks.draw(rng, size, layout, risk, growth=growth, theta=theta)
            if fresh is not None:
                fresh.append(shocks)
                kept_bytes += sum(a.nbytes for a in vars(shocks).values() if a is not None)
                if kept_bytes > CACHE_BYTES:  # too many to keep: draw them again next time
                    fresh = None
        by_year = run_chunk(kernel, shocks)
        check_finite(by_year, where)
        yield start + size, by_year
    if cache is not None and kept is None:
        cache.clear()
        if fresh is not None:
            cache[key] = fresh


def run_chunk(kernel: Kernel, shocks: Shocks) -> np.ndarray:
    """One engine call: the measure of a chunk of draws, year-major (Y, D)."""
    return kernel.measure_by_year(shocks)


def measure_draws(
    scenario: Scenario,
    draws: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    where: str = "",
    cache: dict | None = None,
    until: int | None = None,
) -> tuple[Layout, np.ndarray]:
    """The measure of every draw by year, (draws, Y), computed chunk by chunk.

    Keeps every draw (draws x years x 8 bytes): for the back-test, goal seeks and checks;
    :func:`monte_carlo` keeps only what its summary needs. ``where`` names the scenario (its
    file) in errors; ``cache`` reuses the shocks of the previous call (see :func:`_chunks`);
    ``until`` estimates the shock sd on records up to that year only (the rolling back-test).
    """
    layout, _, kernel, chunk = setup_run(scenario, draws, until)
    out = np.empty((draws, len(layout.years)))
    for done, by_year in _chunks(kernel, draws, seed, chunk, where or scenario.name, cache):
        out[done - by_year.shape[1] : done] = by_year.T
        if progress is not None:
            progress(done, draws)
    return layout, out


def monte_carlo(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    where: str = "",
) -> Simulation:
    """Monte Carlo of a scenario: percentiles of the measure and the odds of the target.

    Memory does not grow with ``draws``: each chunk's measure is summed (mean), counted
    (first year reached) and fed to :class:`~tradecalc.quantiles.RankWindows`, which keeps
    only the values near each wanted rank and gives the same percentiles as a sort of every
    draw. ``progress(done, total)`` is called after each chunk; ``where`` names the
    scenario's file in errors.
    """
    layout, _, kernel, chunk = setup_run(scenario, draws)
    years = len(layout.years)
    target = scenario.target.value_usd_m
    counts = np.zeros(years + 1, dtype=np.int64)
    total: np.ndarray | None = None
    windows = RankWindows(draws, years, PERCENTILES)
    pending = np.empty((years, min(FEED, draws)))  # draws not yet fed to the windows
    waiting = 0
    by_draw = np.empty((chunk, years))
    for done, by_year in _chunks(kernel, draws, seed, chunk, where or scenario.name):
        size = by_year.shape[1]
        counts += _first_reached(by_year, target)
        waiting = _feed(windows, pending, waiting, by_year)
        # the running sum draw after draw, as numpy sums the rows of the whole matrix
        rows = by_draw[:size]
        rows[...] = by_year.T
        if total is not None:
            rows[0] += total
        total = rows.sum(axis=0)
        if progress is not None:
            progress(done, draws)
    if waiting:
        windows.add_by_column(pending[:, :waiting])
    quantiles = windows.result()
    if quantiles is None:  # a wanted rank drifted out of its window (odds below 1e-11)
        _, measure = measure_draws(scenario, draws, seed, where=where)
        quantiles = percentiles(measure, PERCENTILES, overwrite=True)
    from tradecalc.engine.shock_estimate import shock_estimate

    shock = shock_estimate(scenario)
    assert total is not None  # setup_run refuses fewer than one draw
    return Simulation(
        scenario=scenario,
        draws=draws,
        seed=seed,
        years=layout.years,
        mean=total / draws,
        percentiles=dict(zip(PERCENTILES, quantiles, strict=True)),
        first_reached=counts / draws,
        shock_sd=shock.sd,
        shock_sd_years=shock.years,
        shock=shock.to_dict(),
    )


def _feed(windows: RankWindows, pending: np.ndarray, waiting: int, by_year: np.ndarray) -> int:
    """Gather a chunk's draws (Y, D) in ``pending`` after the ``waiting`` ones and feed the
    windows whenever it is full: a step of :data:`FEED` draws (fewer, larger steps: less
    overhead; the first holds no more than the pilot needs). The draws now waiting."""
    taken = 0
    while taken < by_year.shape[1]:
        step = min(pending.shape[1] - waiting, by_year.shape[1] - taken)
        pending[:, waiting : waiting + step] = by_year[:, taken : taken + step]
        waiting, taken = waiting + step, taken + step
        if waiting == pending.shape[1]:
            windows.add_by_column(pending)
            waiting = 0
    return waiting


def _first_reached(by_year: np.ndarray, target: float) -> np.ndarray:
    """How many draws of (Y, D) first reach ``target`` in each year, and never (Y + 1,): the
    counts of :func:`~tradecalc.model.reached_year_index` by year, never last."""
    years, draws = by_year.shape
    counts = np.empty(years + 1, dtype=np.int64)
    reached = np.zeros(draws, dtype=bool)
    before = 0
    for j in range(years):
        reached |= by_year[j] >= target
        now = int(np.count_nonzero(reached))
        counts[j], before = now - before, now
    counts[years] = draws - before
    return counts


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
