"""Synthetic panels with a known law (MADE UP, drawn with a fixed seed), for the shock prior
and the calibration: each pair's series is written as two directions of half its value."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FIRST_YEAR = 1986
YEARS = 21


def pair_codes(pairs: int) -> list[tuple[str, str]]:
    """``pairs`` distinct pairs of real ISO 3166 alpha-3 codes (panels accept no others),
    alphabetical within each pair, in a fixed order: pair i is ``pair_codes(n)[i]``."""
    import itertools

    import pycountry

    codes = sorted(c.alpha_3 for c in pycountry.countries)
    return list(itertools.islice(itertools.combinations(codes, 2), pairs))


def write_panel(path: Path, levels: np.ndarray) -> Path:
    """``levels`` (pairs, years) of pair totals as a CSV panel, both directions half each;
    pair i is ``pair_codes(pairs)[i]``."""
    pairs, years = levels.shape
    lines = ["exporter,importer,year,value_usd_m"]
    for i, (a, b) in enumerate(pair_codes(pairs)):
        for k in range(years):
            half = float(levels[i, k]) / 2.0
            lines += [f"{a},{b},{FIRST_YEAR + k},{half!r}", f"{b},{a},{FIRST_YEAR + k},{half!r}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def size_class_levels(rng, pairs: int = 200) -> np.ndarray:
    """Random walks whose annual sd depends on the size they start the year at: 0.40 below
    US$ 100 m, 0.10 from there on. Half the pairs start at 10, half at 1,000; no drift."""
    start = np.where(np.arange(pairs) < pairs // 2, np.log(10.0), np.log(1000.0))
    log = np.empty((pairs, YEARS))
    log[:, 0] = start
    for k in range(1, YEARS):
        sd = np.where(log[:, k - 1] < np.log(100.0), 0.40, 0.10)
        log[:, k] = log[:, k - 1] + sd * rng.standard_normal(pairs)
    return np.exp(log)


def model_law_levels(rng, pairs: int, drift: float, df: float, scale: float):
    """The model's own law: each pair a random walk in the log level with drift ``drift`` and
    an sd whose variance is scaled inverse chi-square(df, scale^2) across pairs. Returns the
    levels and each pair's true sd. Starts log-uniform over US$ 20-500 m."""
    sd = np.sqrt(df * scale**2 / rng.chisquare(df, pairs))
    log = np.empty((pairs, YEARS))
    log[:, 0] = rng.uniform(np.log(20.0), np.log(500.0), pairs)
    steps = drift + sd[:, np.newaxis] * rng.standard_normal((pairs, YEARS - 1))
    log[:, 1:] = log[:, :1] + np.cumsum(steps, axis=1)
    return np.exp(log), sd
