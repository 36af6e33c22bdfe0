"""Odds that converge: the level shocks integrated exactly, not sampled (methods.md 8.1).

Conditional on the draws of everything else (deals, lever spreads, per-flow shocks), the
measure of a draw in year ``y`` is ``scale_y * exp(L_y) + offset_y``: the counted flows
times the common level factor, plus the counted deals (:meth:`Kernel.parts_by_year`). The
log level ``L`` is Gaussian with median 0, so given the draws

- the measure in the deadline year is a mixture of shifted log-normals, one per draw: its
  CDF, its percentiles (by bisection on the CDF) and its mean are exact;
- "reached by the deadline" (any year up to it, as `simulate` counts it) is the deadline
  year's exact tail plus the chance of crossing earlier and falling back below, estimated by
  importance sampling: the draw's own shocks tilted toward the target, the last step
  integrated exactly.

Each draw gives an unbiased estimate of its conditional probability; the estimate is their
mean and its standard error their standard deviation over the square root of the draws.

The contract with the shock draws (:mod:`tradecalc.engine.draws`) is :class:`ShockLaw`, built
in one place, :func:`shock_law`, from a chunk's :class:`Shocks`:

- ``permanent_sd`` (D,): the sd of each draw's random-walk step. ``Shocks.level_sd`` (D,) when
  the draws carry one (the sd drawn per draw from its posterior), else ``Risk.shock_sd``
  broadcast;
- ``transitory_sd`` (D,) and ``rho`` (D,), or None: an AR(1) component of the log level around
  trend, ``u_y = rho u_{y-1} + e_y``, ``u_0 = 0`` (``Shocks.transitory_sd``, ``Shocks.rho``).
  Its conditional log level is still Gaussian: the deadline year's distribution (percentiles,
  mean) uses the summed variance, :meth:`ShockLaw.variance`, and the first passage,
  :func:`reached_by`, tilts both streams;
- the standard normals are the draws' own, unscaled (the sds multiply them here, as in the
  kernel): ``Shocks.level`` (D, Y - 1) for the walk, ``Shocks.transitory`` (D, Y - 1) for the
  AR(1) innovations; a transitory law without them is an internal error (``ValueError``);
- :meth:`Kernel.parts_by_year` returns the measure without every common log-level shock (it
  drops ``Shocks.level``; a transitory field must be dropped there too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tradecalc.engine.draws import Shocks, streams
from tradecalc.engine.evaluate import evaluate
from tradecalc.engine.montecarlo import percentiles, setup_run
from tradecalc.engine.verdict import check_finite
from tradecalc.model.mixture import (
    PERCENTILES,
    ShockLaw,
    finite_mean,
    mixture_mean,
    mixture_mean_se,
    mixture_percentile_se,
    mixture_percentiles,
    reached_by,
    round_up_bound,
    sample_percentile_se,
)

__all__ = ["Odds", "quote", "resolved", "scenario_odds", "shock_law"]


def shock_law(risk, shocks: Shocks) -> ShockLaw:
    """The :class:`ShockLaw` of a chunk of draws: the one place the draws' shock sd is read.

    A per-draw sd, ``shocks.level_sd`` (D,), is used when the draws carry one (the sd drawn
    from its posterior); else ``risk.shock_sd`` for every draw. A transitory component would
    come the same way (``shocks.transitory_sd``, ``shocks.rho``).
    """
    draws = len(shocks.utilization)
    per_draw = getattr(shocks, "level_sd", None)
    sd = np.full(draws, float(risk.shock_sd)) if per_draw is None else np.asarray(per_draw, float)
    transitory = getattr(shocks, "transitory_sd", None)
    if transitory is None:
        return ShockLaw(permanent_sd=sd)
    rho = np.broadcast_to(np.asarray(shocks.rho, dtype=float), (draws,))
    return ShockLaw(sd, np.broadcast_to(np.asarray(transitory, float), (draws,)), rho)


# --- the run: chunks of draws, their conditional odds, summarised ----------------------------

RESOLVED = 5.0
"""A probability is quoted when its standard error is at most 1/RESOLVED of it."""
GROWTH = 4
"""Draws grow by this factor while a probability is not resolved, up to ``MAX_DRAWS``."""
MAX_DRAWS = 32_000


@dataclass(frozen=True)
class Odds:
    """The converged odds of a scenario (methods.md 8.1): the draws' exact conditional odds
    averaged, each probability with its Monte Carlo standard error."""

    draws: int
    seed: int
    probability: float  # P(reached in some year up to the deadline)
    probability_se: float
    shocks_only: float  # the same with the level shocks alone (everything else central)
    shocks_only_se: float
    without_shocks: float  # the same with every draw but the level shocks (share of draws)
    without_shocks_se: float
    percentiles: dict[int, float]  # of the measure in the deadline year
    mean: float  # of the measure in the deadline year
    mean_se: float  # its Monte Carlo standard error (sd of the per-draw conditional means)
    percentiles_se: dict[int, float]  # their standard errors (delta method; methods.md 8.1)
    mean_finite: bool  # False when the sd is drawn from its posterior: the mean is infinite
    central_path: float  # the measure in the deadline year, no draws (the projection)
    shock_sd: float = 0.0  # the level-shock sd used (Risk.shock_sd)
    shock_sd_years: tuple[int, int] | None = None  # the years it was estimated from
    shock: dict[str, Any] | None = None  # the whole shock estimate (ShockEstimate.to_dict)


def _mean_se(values: np.ndarray) -> tuple[float, float]:
    """The mean of per-draw estimates and its standard error (sd / sqrt(n))."""
    n = len(values)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("inf")
    return mean, se


def _central_parts(layout, point) -> tuple[np.ndarray, np.ndarray]:
    """The central path split as ``scale + offset`` by year: counted flows, counted deals."""
    c = evaluate(layout, point)
    flows = c.flows()[0, layout.flow_counts].sum(axis=0)
    return flows, c.deals[0, layout.deal_counts].sum(axis=0)


def _collect(scenario, draws: int, seed: int, where: str, central) -> dict[str, Any]:
    """Per draw: the conditional odds, with and without shocks, and the deadline year's parts."""
    layout, point, kernel, chunk = setup_run(scenario, draws)
    target, d = scenario.target.value_usd_m, scenario.by_year - scenario.base_year
    spread, risk = kernel.spread, kernel.risk
    growth, theta = spread.growth_sd != 0, spread.elasticity_spread != 0
    rng = streams(seed)
    central = _central_parts(layout, point) if central is None else central
    central_scale, central_offset = (
        np.asarray(a, dtype=float)[: d + 1, np.newaxis] for a in central
    )
    keys = ("reached", "alone", "plain", "near", "scale", "offset", "variance")
    out: dict[str, Any] = {k: np.empty(draws) for k in keys}
    for start in range(0, draws, chunk):
        size = min(chunk, draws - start)
        shocks = Shocks.draw(rng, size, layout, risk, growth=growth, theta=theta)
        scale, offset = kernel.parts_by_year(shocks)
        scale = scale[: d + 1]
        offset = np.broadcast_to(offset[: d + 1], scale.shape)
        check_finite_parts(scale, offset, where)
        law = shock_law(risk, shocks)
        normals = shocks.level if shocks.level is not None else np.zeros((size, max(d, 1)))
        part = slice(start, start + size)
        fading = getattr(shocks, "transitory", None)  # (D, Y - 1) when drawn
        if fading is None and law.transitory_sd is not None:
            fading = normals  # shock_model ar1 draws its innovations in Shocks.level (level_sd 0)
        out["reached"][part] = reached_by(scale, offset, target, law, normals, fading)
        out["alone"][part] = reached_by(central_scale, central_offset, target, law, normals, fading)
        with np.errstate(over="ignore"):  # a subnormal target: the ratio is inf, as it should be
            no_shock = (scale + offset).max(axis=0) / target
        out["plain"][part], out["near"][part] = no_shock >= 1.0, no_shock
        out["scale"][part], out["offset"][part] = scale[d], offset[d]
        out["variance"][part] = law.variance(d)
    out["central"] = central_scale[d, 0] + central_offset[d, 0]
    out["risk"] = risk
    return out


def check_finite_parts(scale, offset, where: str) -> None:
    """Refuse draws that overflowed, as the plain Monte Carlo does."""
    check_finite(scale, where)
    check_finite(offset, where)


NEAR = 0.5
"""A draw whose measure without any shock comes within this share of the target makes the
outcomes that the deals and levers reach alone (sampled plainly) a part of the odds to resolve."""


def _unseen_deals(got: dict[str, Any], p: float, draws: int) -> bool:
    """Could the draws that reach without shocks, a plain share, still move ``p`` by more than
    a fifth? Only when some draw comes within :data:`NEAR` of the target without shocks; then
    their share's error (binomial, or ``3 / draws`` when none reached) is weighed against p."""
    if got["near"].max() < NEAR:
        return False
    share = float(got["plain"].mean())
    error = np.sqrt(share * (1.0 - share) / draws) if share > 0.0 else 3.0 / draws
    return error > p / RESOLVED


def resolved(p: float, se: float) -> bool:
    """Converged enough to quote: a standard error at most 1/:data:`RESOLVED` of ``p``."""
    return p > 0.0 and se <= p / RESOLVED


FLOOR = 1e-5
"""The smallest probability quoted as a number (0.001 %): below it, a bound."""


def quote(p: float, se: float, draws: int) -> tuple[float | None, float | None]:
    """``(p, None)`` when resolved and at least :data:`FLOOR`, else ``(None, bound)``.

    The bound is ``p + 3 se`` (three when no draw reached: ``3 / draws``, the rule of three's
    95 % bound), rounded up to 1, 2 or 5 times a power of ten, and at least :data:`FLOOR`.

    >>> quote(0.0004, 0.0003, 2000)  # 0.0004 + 0.0009 = 0.0013: under 0.2 %
    (None, 0.002)
    """
    if resolved(p, se) and p >= FLOOR:
        return p, None
    return None, round_up_bound(p + 3.0 * se if p > 0.0 else 3.0 / draws, FLOOR)


def scenario_odds(
    scenario, draws: int = 2_000, seed: int = 0, where: str = "", central=None
) -> Odds:
    """The odds of a scenario: ``draws`` to start, times :data:`GROWTH` while P(reached by the
    deadline) is not resolved, up to :data:`MAX_DRAWS` (a tail still unresolved there is
    quoted as a bound, :func:`quote`). The same draws and seed give the same numbers.
    ``central``: the central path's counted flows and counted deals by year, if known."""
    while True:
        got = _collect(scenario, draws, seed, where or scenario.name, central)
        p, se = _mean_se(got["reached"])
        settled = resolved(p, se) and not _unseen_deals(got, p, draws)
        if settled or p == 0.0 or draws * GROWTH > MAX_DRAWS:
            break
        draws *= GROWTH
    alone, alone_se = _mean_se(got["alone"])
    plain = float(got["plain"].mean())
    qs, qs_se = _deadline_percentiles(got)
    shock = _shock_estimate(scenario)
    return Odds(
        draws=draws,
        seed=seed,
        probability=p,
        probability_se=se,
        shocks_only=alone,
        shocks_only_se=alone_se,
        without_shocks=plain,
        without_shocks_se=float(np.sqrt(plain * (1.0 - plain) / draws)),
        percentiles=dict(zip(PERCENTILES, (float(q) for q in qs), strict=True)),
        mean=mixture_mean(got["scale"], got["offset"], got["variance"]),
        mean_se=mixture_mean_se(got["scale"], got["offset"], got["variance"]),
        percentiles_se=dict(zip(PERCENTILES, (float(e) for e in qs_se), strict=True)),
        mean_finite=finite_mean(shock),
        central_path=float(got["central"]),
        shock_sd=float(got["risk"].shock_sd),
        shock_sd_years=got["risk"].shock_sd_years,
        shock=shock,
    )


def _deadline_percentiles(got: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """P10/P50/P90 of the deadline year and their standard errors: the mixture's (delta
    method) with level shocks, else the draws' own (order statistics), as simulate takes them."""
    sd = np.sqrt(got["variance"])
    if np.any(sd > 0.0):
        qs = mixture_percentiles(got["scale"], got["offset"], sd)
        return qs, mixture_percentile_se(qs, got["scale"], got["offset"], sd)
    values = got["scale"] + got["offset"]
    return percentiles(values.copy(), PERCENTILES), sample_percentile_se(values)


def _shock_estimate(scenario) -> dict[str, Any]:
    from tradecalc.engine.shock_estimate import shock_estimate

    return shock_estimate(scenario).to_dict()
