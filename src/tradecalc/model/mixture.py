"""Odds given the other draws: the Gaussian log level shocks integrated (methods.md 8.1).

Given a draw's non-shock draws its measure in year ``t`` is ``scale_t * exp(L_t) + offset_t``
with ``L`` Gaussian (a random walk, optionally plus an AR(1) transitory component), so the
deadline year is a mixture of shifted log-normals over the draws (exact tail, percentiles and
mean) and "reached by the deadline" is a first passage of ``L`` (the deadline year exact, the
earlier years by importance sampling). Pure numpy: the Monte Carlo that feeds it is
:mod:`tradecalc.engine.odds`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def mixture_mean_se(scale, offset, variance) -> float:
    """Monte Carlo standard error of :func:`mixture_mean`: the sd of the per-draw conditional
    means ``offset + scale exp(variance / 2)`` over the square root of the draws."""
    means = offset + scale * np.exp(np.asarray(variance) / 2.0)
    return float(np.std(means, ddof=1) / np.sqrt(means.size)) if means.size > 1 else np.inf


def mixture_percentile_se(x, scale, offset, sd) -> np.ndarray:
    """Delta-method standard errors of the mixture's percentiles ``x`` (Q,), (Q,).

    The percentile solves ``mean_i F_i(x) = q``; the mean has the standard error
    ``sd_i(F_i(x)) / sqrt(n)``, and a change ``e`` of it moves the root by ``e / f(x)``, ``f``
    the mixture's density ``mean_i f_i(x)`` (the delta method for a quantile). ``inf`` where the
    density is 0 (a point mass: the percentile is not resolved by the draws).
    """
    x = np.asarray(x, dtype=float)[:, np.newaxis]
    z = _mixture_z(x, scale, offset, sd)
    cdf = 1.0 - normal_sf(z)  # (Q, D)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        dens = np.exp(-0.5 * z * z) / ((x - offset) * sd * np.sqrt(2.0 * np.pi))
    density = np.where(np.isfinite(dens), dens, 0.0).mean(axis=-1)
    n = cdf.shape[-1]
    spread = cdf.std(axis=-1, ddof=1) / np.sqrt(n) if n > 1 else np.full(len(x), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(density > 0.0, spread / density, np.inf)


def sample_percentile_se(values, qs=PERCENTILES) -> np.ndarray:
    """Distribution-free standard errors of a sample's percentiles ``qs``, (Q,): half the width
    of the order statistics ``n q -+ sqrt(n q (1 - q))`` (the binomial count's one-sd
    interval, about 68 %; e.g. Conover 1999, section 3.2)."""
    ordered = np.sort(np.asarray(values, dtype=float))
    n = ordered.size
    out = []
    for q in qs:
        share = q / 100.0
        half = np.sqrt(n * share * (1.0 - share))
        low = int(np.clip(np.floor(n * share - half), 0, n - 1))
        high = int(np.clip(np.ceil(n * share + half), 0, n - 1))
        out.append((ordered[high] - ordered[low]) / 2.0)
    return np.array(out)


def round_up_bound(high: float, floor: float = 0.0) -> float:
    """A bound ``high`` rounded up to 1, 2 or 5 times a power of ten (at least ``floor``).

    >>> round_up_bound(3 / 200_000)  # the rule of three over 200,000 draws: under 0.002 %
    2e-05
    """
    high = max(high, floor)
    power = 10.0 ** np.floor(np.log10(high))
    step = next(m for m in (1.0, 2.0, 5.0, 10.0) if m * power >= high * (1.0 - 1e-12))
    return float(f"{step * power:.1g}")


def finite_mean(shock: dict) -> bool:
    """Whether the measure's mean is finite, given the shock estimate (``ShockEstimate.to_dict``):
    not when the level-shock sd is drawn from its scaled inverse-chi-square posterior, since
    ``E exp(c sigma^2)`` diverges for every ``c > 0`` there (the chi-square's density near 0
    falls only as a power; methods.md 8.1).

    >>> finite_mean({"sd": 0.3, "posterior_df": 8}), finite_mean({"sd": 0.3, "posterior_df": None})
    (False, True)
    """
    return not (shock.get("posterior_df") is not None and shock.get("sd", 0.0) > 0.0)
