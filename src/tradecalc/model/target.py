"""Target arithmetic: reached year, required growth, gap (methods.md section 7)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def required_cagr(target_usd_m: ArrayLike, start_usd_m: ArrayLike, years: ArrayLike):
    r"""Constant annual growth that takes ``start`` to ``target`` in ``years`` years.

    .. math:: g = \left(\frac{target}{measure(y_0)}\right)^{1/(y_{by} - y_0)} - 1

    Returns NaN where ``start`` is not positive (no growth rate reaches a target from zero).

    Examples
    --------
    >>> round(float(required_cagr(2000, 27.0, 7)), 4)  # methods.md check: 84.97 %/yr to 2030
    0.8497
    """
    target = np.asarray(target_usd_m, dtype=float)
    start = np.asarray(start_usd_m, dtype=float)
    # a subnormal start (1e-320) puts the ratio past the float range: the growth is infinite
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        growth = (target / start) ** (1.0 / np.asarray(years, dtype=float)) - 1.0
    return np.where(start > 0, growth, np.nan)


def gap(target_usd_m: ArrayLike, measure_usd_m: ArrayLike):
    """Shortfall ``target - measure`` [US$ million]; negative when the target is exceeded.

    Examples
    --------
    >>> float(gap(2000, 87.6))
    1912.4
    """
    return np.asarray(target_usd_m, dtype=float) - np.asarray(measure_usd_m, dtype=float)


def reached_year_index(measure_usd_m: ArrayLike, target_usd_m: ArrayLike):
    """Index along the last axis of the first year with ``measure >= target``, else -1.

    Parameters
    ----------
    measure_usd_m : array_like
        Measure by year, years on the last axis (any leading axes, e.g. draws).
    target_usd_m : array_like
        Target value, broadcast against the leading axes.

    Examples
    --------
    >>> reached_year_index([[10, 20, 30], [1, 2, 3]], 15).tolist()
    [1, -1]
    """
    measure = np.asarray(measure_usd_m, dtype=float)
    hit = measure >= np.asarray(target_usd_m, dtype=float)[..., None]
    first = np.argmax(hit, axis=-1)
    return np.where(hit.any(axis=-1), first, -1)
