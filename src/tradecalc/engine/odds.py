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
from tradecalc.engine.montecarlo import _setup, percentiles
from tradecalc.engine.verdict import check_finite

PERCENTILES = (10, 50, 90)
Z_OF = {10: -1.2815515655446004, 50: 0.0, 90: 1.2815515655446004}
"""Standard normal quantiles of the percentiles: bracket each draw's own percentile."""
TOLERANCE = 1e-10
"""Newton stops when a step of the log of a percentile is under this."""
STEPS = 80
"""Most Newton-or-bisection steps per percentile (Newton needs about 6; 80 bisections alone
shrink any bracket of doubles below 1e-12)."""
MAX_TILT = 40.0
"""Largest shift of a standard normal in the tilt: beyond it the weights underflow anyway."""


@dataclass(frozen=True)
class ShockLaw:
    """The law of the log level shocks of each draw, given its other draws (see the module)."""

    permanent_sd: np.ndarray  # (D,) sd of a random-walk step [log points per year]
    transitory_sd: np.ndarray | None = None  # (D,) sd of the AR(1) innovation
    rho: np.ndarray | None = None  # (D,) AR(1) coefficient, |rho| < 1

    def variance(self, steps: int) -> np.ndarray:
        """Variance of the log level ``steps`` years after the base year, (D,)."""
        v = self.permanent_sd**2 * steps
        if self.transitory_sd is not None:
            r2 = np.asarray(self.rho, dtype=float) ** 2
            with np.errstate(divide="ignore", invalid="ignore"):
                ar = np.where(r2 < 1.0, (1.0 - r2**steps) / (1.0 - r2), steps)
            v = v + self.transitory_sd**2 * ar
        return v


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


def normal_sf(x) -> np.ndarray:
    r"""Standard normal upper tail :math:`1 - \Phi(x)` with a relative error under 1.2e-7.

    ``erfc`` by the Chebyshev fit of Press et al. (1992), *Numerical Recipes in C*, 2nd ed.,
    section 6.2 (``erfcc``), good to that fractional error everywhere, so tails of 1e-12 keep
    their digits (numpy has no ``erfc``; scipy would cost more to import than the odds).

    >>> round(float(normal_sf(1.6448536269514722)), 6)  # the 95th percentile: 0.05
    0.05
    """
    z = np.abs(np.asarray(x, dtype=float)) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -1.26551223 + t * (
        1.00002368
        + t
        * (
            0.37409196
            + t
            * (
                0.09678418
                + t
                * (
                    -0.18628806
                    + t
                    * (
                        0.27886807
                        + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))
                    )
                )
            )
        )
    )
    with np.errstate(over="ignore", under="ignore"):
        half = 0.5 * t * np.exp(-z * z + poly)  # erfc(|x| / sqrt 2) / 2
    return np.where(np.asarray(x) >= 0.0, half, 1.0 - half)


def _log_need(scale, offset, target: float) -> np.ndarray:
    """The log-level shock each draw needs to reach ``target`` [log points].

    ``-inf`` when the draw reaches it without shocks for sure (its deals alone), ``+inf`` when
    it cannot (no counted flow to shock and the deals short).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        need = np.log(target - offset) - np.log(scale)  # -inf/nan/inf at the edges
    need = np.where(target - offset <= 0.0, -np.inf, need)
    return np.where(np.isnan(need), np.inf, need)


def _standard(need, sd) -> np.ndarray:
    """``need / sd``, and for no spread: ``-inf`` (reached) or ``+inf`` (not)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = need / sd
    return np.where(sd > 0.0, z, np.where(need <= 0.0, -np.inf, np.inf))


def deadline_tail(scale, offset, target: float, variance) -> np.ndarray:
    """P(measure >= target) of each draw in one year: exact, (D,)."""
    return normal_sf(_standard(_log_need(scale, offset, target), np.sqrt(variance)))


def reached_by(scale, offset, target: float, law: ShockLaw, normals, transitory=None):
    """Each draw's estimate of P(measure >= target in some year up to the last row), (D,).

    ``scale``/``offset`` (T + 1, D) from the base year to the deadline; ``normals`` (D, >= T)
    the walk's standard normals and ``transitory`` (D, >= T) the AR(1) component's, when the
    law has one. Unbiased per draw: the deadline year's tail exactly, plus ``W * 1{crossed
    before} * P(the last step lands below)`` on the first ``T - 1`` steps, tilted toward the
    likeliest earlier crossing (``W`` the likelihood ratio of the tilt).
    """
    steps = scale.shape[0] - 1
    base = (scale[0] + offset[0]) >= target
    if steps == 0:
        return base.astype(float)
    if law.transitory_sd is not None and transitory is None:
        raise ValueError("internal: a transitory shock law needs its standard normals")
    need = _log_need(scale[1:], offset[1:], target)  # (T, D)
    variance = np.array([law.variance(t) for t in range(1, steps + 1)])  # (T, D)
    exact = normal_sf(_standard(need[-1], np.sqrt(variance[-1])))
    if steps == 1:
        return np.where(base, 1.0, exact)
    shifts = _tilt(need[:-1], variance[:-1], law)  # (2, T - 1, D): both streams
    z = [np.asarray(normals)[:, : steps - 1].T + shifts[0]]
    if law.transitory_sd is not None:
        z.append(np.asarray(transitory)[:, : steps - 1].T + shifts[1])
    level, last_mean, last_sd = _log_paths(z, law)
    crossed = (level >= need[:-1]).any(axis=0)
    log_weight = sum(((shift * x).sum(axis=0) for shift, x in zip(shifts, z, strict=False)))
    log_weight = (shifts**2).sum(axis=(0, 1)) / 2.0 - log_weight
    with np.errstate(over="ignore", under="ignore"):
        back = 1.0 - normal_sf(_standard(need[-1] - last_mean, last_sd))
        weight = np.exp(log_weight)
    return np.where(base, 1.0, exact + np.where(crossed, weight * back, 0.0))


def _tilt(need, variance, law: ShockLaw) -> np.ndarray:
    """The shift of each standard normal, (2, T - 1, D): the permanent stream's, then the
    transitory one's (0 without it), that centres the log level of the likeliest crossing
    year ``s`` (least ``need^2 / variance``) on its barrier: ``lambda * d L_s / d z`` with
    ``lambda = need_s / variance_s``. No shift for a draw whose central values already cross
    (or that cannot cross)."""
    need = np.broadcast_to(need, variance.shape)
    years, draws = need.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where((need > 0) & np.isfinite(need) & (variance > 0), need**2 / variance, np.inf)
        best = np.argmin(rate, axis=0)
        column = np.arange(draws)
        pick = need[best, column] / variance[best, column]
    lam = np.where(np.isfinite(rate[best, column]), pick, 0.0)
    lam = np.where((need <= 0).any(axis=0), 0.0, lam)
    k = np.arange(years)[:, np.newaxis]
    upto = k <= best  # the steps up to and including the crossing year
    shifts = np.zeros((2, years, draws))
    shifts[0] = np.where(upto, lam * law.permanent_sd, 0.0)
    if law.transitory_sd is not None:
        decay = np.asarray(law.rho, dtype=float) ** np.maximum(best - k, 0)
        shifts[1] = np.where(upto, lam * law.transitory_sd * decay, 0.0)
    return np.clip(shifts, -MAX_TILT, MAX_TILT)


def _log_paths(z: list[np.ndarray], law: ShockLaw) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The log level of the first ``T - 1`` years from the (tilted) normals, (T - 1, D), and
    the mean and sd of the deadline year's log level given them."""
    walk = np.cumsum(z[0], axis=0)
    level = law.permanent_sd * walk
    mean, var = law.permanent_sd * walk[-1], law.permanent_sd**2
    if law.transitory_sd is not None:
        rho, u = np.asarray(law.rho, dtype=float), np.zeros(z[1].shape[1])
        fade = np.empty_like(z[1])
        for y in range(z[1].shape[0]):
            u = rho * u + z[1][y]
            fade[y] = u
        level = level + law.transitory_sd * fade
        mean, var = mean + law.transitory_sd * rho * u, var + law.transitory_sd**2
    return level, mean, np.sqrt(var)


def _mixture_z(x, scale, offset, sd) -> np.ndarray:
    """Each draw's standard score of ``x`` (..., 1): ``-inf`` below its floor, ``+inf``
    above a point mass."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (np.log(x - offset) - np.log(scale)) / sd
    z = np.where(x - offset <= 0.0, -np.inf, z)  # below a draw's floor
    return np.where(np.isnan(z), np.where(x >= offset + scale, np.inf, -np.inf), z)


def mixture_cdf(x, scale, offset, sd) -> np.ndarray:
    """P(measure <= x) of the mixture ``offset_i + scale_i exp(sd_i Z)``, for each ``x``."""
    z = _mixture_z(np.asarray(x, dtype=float)[..., np.newaxis], scale, offset, sd)
    return 1.0 - normal_sf(z).mean(axis=-1)


def mixture_percentiles(scale, offset, sd, qs=PERCENTILES) -> np.ndarray:
    """The percentiles ``qs`` of the mixture ``offset_i + scale_i exp(sd_i Z)``, (Q,).

    Newton's method on the log of the measure, kept inside a bracket that every step
    shrinks (a bisection when Newton would leave it), until the step is under :data:`TOLERANCE`. The
    bracket starts at the smallest and the largest of the draws' own percentiles: the
    mixture's CDF is at most ``q`` at the first and at least ``q`` at the second.
    """
    share = np.array(qs, dtype=float)[:, np.newaxis] / 100.0
    z_q = np.array([[Z_OF[q]] for q in qs])
    own = offset + scale * np.exp(sd * z_q)  # (Q, D)
    tiny = np.finfo(float).tiny
    lo = np.log(np.maximum(own.min(axis=1, keepdims=True), tiny))
    hi = np.log(np.maximum(own.max(axis=1, keepdims=True), tiny))
    u = np.clip(np.log(np.maximum(own, tiny)).mean(axis=1, keepdims=True), lo, hi)
    for _ in range(STEPS):
        x = np.exp(u)
        z = _mixture_z(x, scale, offset, sd)
        cdf = 1.0 - normal_sf(z).mean(axis=-1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            dens = np.exp(-0.5 * z * z) * x / ((x - offset) * sd * np.sqrt(2.0 * np.pi))
        slope = np.where(np.isfinite(dens), dens, 0.0).mean(axis=-1, keepdims=True)
        below = cdf < share
        lo, hi = np.where(below, u, lo), np.where(below, hi, u)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = u - (cdf - share) / slope
        inside = (step > lo) & (step < hi)
        new = np.where(inside, step, 0.5 * (lo + hi))
        done = np.all(np.abs(new - u) < TOLERANCE)
        u = new
        if done:
            break
    found = np.exp(u[:, 0])
    return np.where(found > 2.0 * tiny, found, 0.0)  # the floor of the bracket: a mass at 0


def mixture_mean(scale, offset, variance) -> float:
    """Mean of the mixture: ``mean(offset + scale exp(variance / 2))`` (median-preserving)."""
    return float(np.mean(offset + scale * np.exp(np.asarray(variance) / 2.0)))


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
    central_path: float  # the measure in the deadline year, no draws (the projection)
    shock_sd: float = 0.0  # the level-shock sd used (Risk.shock_sd)
    shock_sd_years: tuple[int, int] | None = None  # the years it was estimated from


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
    layout, point, kernel, chunk = _setup(scenario, draws)
    target, d = scenario.target.value_usd_m, scenario.by_year - scenario.base_year
    spread, risk = kernel.spread, kernel.risk
    growth, theta = spread.growth_sd != 0, spread.elasticity_spread != 0
    rng = streams(seed)
    central = _central_parts(layout, point) if central is None else central
    central = [np.asarray(a, dtype=float)[: d + 1, np.newaxis] for a in central]
    keys = ("reached", "alone", "plain", "near", "scale", "offset", "variance")
    out = {k: np.empty(draws) for k in keys}
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
        out["reached"][part] = reached_by(scale, offset, target, law, normals, fading)
        out["alone"][part] = reached_by(*central, target, law, normals, fading)
        no_shock = (scale + offset).max(axis=0) / target
        out["plain"][part], out["near"][part] = no_shock >= 1.0, no_shock
        out["scale"][part], out["offset"][part] = scale[d], offset[d]
        out["variance"][part] = law.variance(d)
    out["central"] = central[0][d, 0] + central[1][d, 0]
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
    high = max(p + 3.0 * se if p > 0.0 else 3.0 / draws, FLOOR)
    power = 10.0 ** np.floor(np.log10(high))
    step = next(m for m in (1.0, 2.0, 5.0, 10.0) if m * power >= high * (1.0 - 1e-12))
    return None, float(f"{step * power:.1g}")


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
    sd = np.sqrt(got["variance"])
    if np.any(sd > 0.0):
        qs = mixture_percentiles(got["scale"], got["offset"], sd)
    else:  # no shocks: the draws' own percentiles, as simulate takes them
        qs = percentiles(got["scale"] + got["offset"], PERCENTILES)
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
        central_path=float(got["central"]),
        shock_sd=float(got["risk"].shock_sd),
        shock_sd_years=got["risk"].shock_sd_years,
    )
