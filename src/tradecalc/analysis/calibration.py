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

OWN_DRIFT = (
    "the same, but the drift is the pair's own mean annual log change up to the start year "
    "(from 2 changes; else the class's), with its own doubt, and the sd measured around it"
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
    own_pit: np.ndarray | None = field(default=None, repr=False)  # the pair's own drift
    own_probability: np.ndarray | None = field(default=None, repr=False)

    def summary(self) -> dict[str, Any]:
        """The JSON ``model`` object of `baserate --calibrate`; ``own_drift`` the second
        model's same scores."""
        own = None
        if self.own_pit is not None and self.own_probability is not None:
            own = {**scores(self.own_pit, self.own_probability), "method": OWN_DRIFT}
        return {
            **scores(self.pit, self.probability),
            "observed_rate": float(self.observed.mean()) if len(self.observed) else None,
            "windows_scored": len(self.pit),
            "draws": self.draws,
            "seed": self.seed,
            "method": METHOD,
            "own_drift": own,
        }


def scores(pit: np.ndarray, probability: np.ndarray) -> dict[str, Any]:
    """Mean P(success), coverage of P10-P90 and P5-P95 with Wilson intervals, PIT histogram."""
    from tradecalc.model.rates import wilson_interval

    n = len(pit)
    out: dict[str, Any] = {"probability": float(probability.mean()) if n else None}
    for key, low, high in (("coverage_p10_p90", 0.10, 0.90), ("coverage_p5_p95", 0.05, 0.95)):
        share = float(((pit >= low) & (pit <= high)).mean()) if n else None
        out[key] = share
        out[f"{key}_interval"] = None if share is None else list(wilson_interval(share * n, n))
    histogram = np.histogram(pit, bins=PIT_BINS, range=(0.0, 1.0))[0]
    out["pit_histogram"] = [int(k) for k in histogram]
    return out


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
    """Each window's forecast law, out of sample: ``(scored, model, own_drift)``, the two
    :class:`Law` of the scored windows."""
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
    model = Law(drift, prior_df + n, (prior_df * prior2 + ss) / (prior_df + n), np.zeros_like(n))
    return scored, model, _own_drift_law(model, n, s1, s2, prior_df, prior2)


@dataclass(frozen=True, eq=False)
class Law:
    """Per scored window: drift, posterior df and scale^2 of the sd, and the drift's own
    uncertainty per unit sd (``1 / sqrt(n)`` for a drift estimated from n changes, else 0)."""

    drift: np.ndarray
    df: np.ndarray
    scale2: np.ndarray
    drift_doubt: np.ndarray


def _own_drift_law(model: Law, n, s1, s2, prior_df, prior2) -> Law:
    """The second model: the pair's own mean change up to t as its drift (from 2 changes on;
    else the class's), the spread around that mean (n - 1 df) shrunk toward the class prior,
    and the drift's own doubt, N(mean, sd^2 / n) (flat prior; Gelman et al. 2013, 3.2)."""
    enough = n >= 2
    mean = np.where(enough, s1 / np.maximum(n, 1.0), model.drift)
    ss = np.where(enough, np.maximum(s2 - n * mean * mean, 0.0), 0.0)
    df = np.where(enough, prior_df + n - 1.0, model.df)
    scale2 = np.where(enough, (prior_df * prior2 + ss) / df, model.scale2)
    return Law(mean, df, scale2, np.where(enough, 1.0 / np.sqrt(np.maximum(n, 1.0)), 0.0))


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
    """Score the model's out-of-sample forecast at every window it can be made for, and the
    second model (the pair's own drift) beside it."""
    scored, model, own_drift = posterior_laws(windows, changes, band)
    rng = np.random.default_rng(seed)
    with np.errstate(divide="ignore"):
        observed_log = np.log(windows.end[scored] / windows.value[scored])
    need = float(np.log(ratio))
    pit, prob = _score_law(rng, model, observed_log, need, horizon, draws)
    own_pit, own_prob = _score_law(rng, own_drift, observed_log, need, horizon, draws)
    ok = windows.peak[scored] >= ratio * windows.value[scored]
    return Calibration(scored, pit, prob, ok, draws, seed, own_pit, own_prob)


def _score_law(rng, law: Law, observed_log, need: float, horizon: int, draws: int):
    """PIT and P(success) of every scored window under ``law``, in chunks of windows."""
    pit, prob = np.empty(len(law.df)), np.empty(len(law.df))
    step = max(1, CHUNK // (draws * horizon))
    for start in range(0, len(law.df), step):
        part = slice(start, start + step)
        nu, scale2 = law.df[part, np.newaxis], law.scale2[part, np.newaxis]
        sd = np.sqrt(nu * scale2 / rng.chisquare(nu, (len(law.df[part]), draws)))
        doubt = law.drift_doubt[part, np.newaxis] * sd * rng.standard_normal(sd.shape)
        drift = law.drift[part, np.newaxis] + doubt
        normals = rng.standard_normal((*sd.shape, horizon))
        pit[part], prob[part] = _scores(observed_log[part], drift, sd, normals, need, horizon)
    return pit, prob


def _scores(observed, drift, sd, normals, need: float, horizon: int):
    """PIT of the H-year log change and P(first passage of ``need`` by H), per window.

    The PIT and the last year's step are exact given each drawn sd (Gaussian); the first H - 1
    years are sampled paths."""
    from tradecalc.model.mixture import normal_sf

    d = drift  # (W, draws): the drift of each draw
    with np.errstate(invalid="ignore"):
        z = (observed[:, np.newaxis] - horizon * d) / (sd * np.sqrt(horizon))
    pit = np.where(np.isneginf(observed), 0.0, (1.0 - normal_sf(z)).mean(axis=1))
    steps = d[..., np.newaxis] + sd[..., np.newaxis] * normals[..., : horizon - 1]
    path = np.cumsum(steps, axis=2)
    before = path.max(axis=2) >= need if horizon > 1 else np.zeros(sd.shape, bool)
    last = path[..., -1] if horizon > 1 else np.zeros(sd.shape)
    tail = normal_sf((need - last - d) / sd)
    return pit, np.where(before, 1.0, tail).mean(axis=1)
