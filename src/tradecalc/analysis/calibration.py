"""A calibration anyone can check: the model's own forecast at every window of a base rate's
reference class, made with data up to the window's start only, scored against what happened
(methods.md 14.2).

At a window (pair, t) the model is the odds' shock law: a random walk in the log level with
drift m_t, the size class's mean annual log change over the changes that ended by t, and an
annual sd drawn from its posterior: the class's prior (:func:`~tradecalc.model.size_prior.
prior_from_sums` over the class's changes up to t) updated with the pair's own changes up to t,
measured around m_t (scaled inverse chi-square, Gelman et al. 2013, section 2.6). Scored:
the PIT of V_{t+H} (so the coverage of P10-P90 and P5-P95, with Wilson intervals) and the
probability that max(V_{t+1..t+H}) >= R V_t in annual steps, set beside the observed rate.
Vectorised over windows in chunks; a fixed seed reproduces every number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tradecalc.panel.windows import Changes, Windows

DRAWS = 200
"""Posterior draws of the sd (and annual paths) per window."""
MIN_CLASS_CHANGES = 20
"""A start year is scored only when the class has at least this many changes before it..."""
MIN_CLASS_PAIRS = 2
"""...from at least this many pairs: below that there is no prior to speak of."""
CHUNK = 2_000_000
"""Most numbers (windows x draws x years) drawn at once: memory stays bounded."""
PIT_BINS = 10
METHOD = (
    "at each window the odds' shock law, estimated on data up to its start year only: random "
    "walk in the log level, drift = the size class's mean annual log change, annual sd drawn "
    "from its posterior (the class's empirical-Bayes prior updated with the pair's own changes "
    "around that drift); probabilities by Monte Carlo with the last year integrated exactly"
)


@dataclass(frozen=True, eq=False)
class Calibration:
    """Per scored window: its index in the reference class, PIT, and P(success)."""

    scored: np.ndarray  # (S,) int: indices into the base rate's windows
    pit: np.ndarray  # (S,) P(V_{t+H} <= observed) under the forecast
    probability: np.ndarray  # (S,) P(max V_{t+1..t+H} >= R V_t) under the forecast
    observed: np.ndarray = field(repr=False)  # (S,) bool: the window succeeded
    draws: int = DRAWS
    seed: int = 0

    def coverage(self, low: float, high: float) -> float | None:
        inside = (self.pit >= low) & (self.pit <= high)
        return float(inside.mean()) if len(inside) else None

    def summary(self) -> dict[str, Any]:
        """The JSON ``model`` object of `baserate --calibrate`."""
        from tradecalc.model.rates import wilson_interval

        n = len(self.pit)

        def covered(low: float, high: float) -> tuple[float | None, list[float] | None]:
            share = self.coverage(low, high)
            return share, (None if share is None else list(wilson_interval(share * n, n)))

        c80, c80_interval = covered(0.10, 0.90)
        c90, c90_interval = covered(0.05, 0.95)
        histogram: list[int] = np.histogram(self.pit, bins=PIT_BINS, range=(0.0, 1.0))[0].tolist()
        return {
            "probability": float(self.probability.mean()) if n else None,
            "observed_rate": float(self.observed.mean()) if n else None,
            "coverage_p10_p90": c80,
            "coverage_p10_p90_interval": c80_interval,
            "coverage_p5_p95": c90,
            "coverage_p5_p95_interval": c90_interval,
            "windows_scored": n,
            "pit_histogram": [int(k) for k in histogram],
            "draws": self.draws,
            "seed": self.seed,
            "method": METHOD,
        }


def _cumulative(changes: Changes, mask: np.ndarray, pairs: int, years: np.ndarray):
    """Per (pair, year): count, sum and sum of squares of the masked changes that ended by
    that year, (3, P, Y)."""
    sums = np.zeros((3, pairs, len(years)))
    col = np.searchsorted(years, changes.year[mask])
    d = changes.change[mask]
    for k, values in enumerate((np.ones_like(d), d, d * d)):
        np.add.at(sums[k], (changes.pair[mask], col), values)
    return np.cumsum(sums, axis=2)


def posterior_laws(windows: Windows, changes: Changes, band: tuple[float, float]):
    """Each window's forecast law, out of sample: ``(scored, drift, posterior_df, scale2)``."""
    from tradecalc.model.size_prior import prior_from_sums

    pairs = len(windows.names)
    years = np.unique(np.concatenate([changes.year, windows.year]))
    in_class = (changes.start >= band[0]) & (changes.start <= band[1])
    klass = _cumulative(changes, in_class, pairs, years)
    own = _cumulative(changes, np.ones_like(in_class), pairs, years)
    starts = np.unique(windows.year)
    law = {}
    for t in starts:
        j = np.searchsorted(years, t)
        n, s1, s2 = klass[:, :, j]
        total = n.sum()
        if total < MIN_CLASS_CHANGES or (n > 0).sum() < MIN_CLASS_PAIRS:
            continue
        centre = float(s1.sum() / total)
        sd, df, _ = prior_from_sums(n, s1, s2, centre)
        law[int(t)] = (centre, sd * sd, df, j)
    scored = np.flatnonzero(np.isin(windows.year, list(law)))
    table = np.array([law[int(t)] for t in windows.year[scored]]).reshape(-1, 4)
    drift, prior2, prior_df = table[:, 0], table[:, 1], table[:, 2]
    n, s1, s2 = own[:, windows.pair[scored], table[:, 3].astype(np.int64)]
    ss = np.maximum(s2 - 2.0 * drift * s1 + n * drift * drift, 0.0)
    nu = prior_df + n
    scale2 = (prior_df * prior2 + ss) / nu
    return scored, drift, nu, scale2


def calibrate(
    windows: Windows,
    changes: Changes,
    band: tuple[float, float],
    horizon: int,
    ratio: float,
    *,
    draws: int = DRAWS,
    seed: int = 0,
) -> Calibration:
    """Score the model's out-of-sample forecast at every window it can be made for."""
    scored, drift, nu, scale2 = posterior_laws(windows, changes, band)
    rng = np.random.default_rng(seed)
    pit, prob = np.empty(len(scored)), np.empty(len(scored))
    with np.errstate(divide="ignore"):
        observed_log = np.log(windows.end[scored] / windows.value[scored])
    need = float(np.log(ratio))
    step = max(1, CHUNK // (draws * horizon))
    for start in range(0, len(scored), step):
        part = slice(start, start + step)
        chi2 = rng.chisquare(nu[part, np.newaxis], (len(nu[part]), draws))
        sd = np.sqrt(nu[part, np.newaxis] * scale2[part, np.newaxis] / chi2)
        normals = rng.standard_normal((len(nu[part]), draws, horizon))
        pit[part], prob[part] = _scores(observed_log[part], drift[part], sd, normals, need, horizon)
    ok = windows.peak[scored] >= ratio * windows.value[scored]
    return Calibration(scored, pit, prob, ok, draws, seed)


def _scores(observed, drift, sd, normals, need: float, horizon: int):
    """PIT of the H-year log change and P(first passage of ``need`` by H), per window.

    The PIT and the last year's step are exact given each drawn sd (Gaussian); the first H - 1
    years are sampled paths."""
    from tradecalc.model.mixture import normal_sf

    d = drift[:, np.newaxis]
    with np.errstate(invalid="ignore"):
        z = (observed[:, np.newaxis] - horizon * d) / (sd * np.sqrt(horizon))
    pit = np.where(np.isneginf(observed), 0.0, (1.0 - normal_sf(z)).mean(axis=1))
    steps = d[..., np.newaxis] + sd[..., np.newaxis] * normals[..., : horizon - 1]
    path = np.cumsum(steps, axis=2)
    before = path.max(axis=2) >= need if horizon > 1 else np.zeros(sd.shape, bool)
    last = path[..., -1] if horizon > 1 else np.zeros(sd.shape)
    tail = normal_sf((need - last - d) / sd)
    return pit, np.where(before, 1.0, tail).mean(axis=1)
