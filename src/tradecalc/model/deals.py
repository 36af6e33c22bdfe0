"""Sector deals: ramps from announcement to full scale (methods.md section 5)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _active(years, start_year, end_year):
    years = np.asarray(years, dtype=float)
    return (years >= np.asarray(start_year, dtype=float)) & (
        years <= np.asarray(end_year, dtype=float)
    )


def linear_ramp(
    years: ArrayLike, start_year: ArrayLike, ramp_years: ArrayLike, end_year: ArrayLike = np.inf
):
    r"""Share of a deal's full annual value reached in year ``y`` on a straight line.

    .. math:: ramp(y) = \min\left(1, \frac{y - y_s + 1}{R}\right),
              \quad y_s \le y \le y_e \text{ (else 0)}

    Examples
    --------
    >>> linear_ramp([2025, 2026, 2027, 2028, 2029], 2026, 2, end_year=2028).tolist()
    [0.0, 0.5, 1.0, 1.0, 0.0]
    """
    elapsed = np.asarray(years, dtype=float) - np.asarray(start_year, dtype=float) + 1.0
    share = np.minimum(1.0, elapsed / np.asarray(ramp_years, dtype=float))
    return np.where(_active(years, start_year, end_year), share, 0.0)


def logistic_ramp(
    years: ArrayLike, start_year: ArrayLike, ramp_years: ArrayLike, end_year: ArrayLike = np.inf
):
    r"""Share of a deal's full annual value on an S-curve (Griliches 1957, *Econometrica* 25(4)).

    .. math:: ramp(y) = \frac{1}{1 + e^{-k (y - y_{mid})}}, \quad
              y_{mid} = y_s + R/2, \quad k = \frac{2 \ln 9}{R}

    so the deal stands at 10 % in ``start_year`` and 90 % at ``start_year + ramp_years``;
    0 before ``start_year`` and after ``end_year``.

    Examples
    --------
    >>> logistic_ramp([2025, 2026, 2028, 2030], 2026, 4).round(2).tolist()
    [0.0, 0.1, 0.5, 0.9]
    """
    ramp_years = np.asarray(ramp_years, dtype=float)
    midpoint = np.asarray(start_year, dtype=float) + ramp_years / 2.0
    steepness = 2.0 * np.log(9.0) / ramp_years
    share = 1.0 / (1.0 + np.exp(-steepness * (np.asarray(years, dtype=float) - midpoint)))
    return np.where(_active(years, start_year, end_year), share, 0.0)
