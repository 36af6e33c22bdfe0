"""Annual level shocks of the baseline: calibration from the record, random walk (methods.md 8)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

MIN_HISTORY_CHANGES = 3
"""Fewest year-on-year changes from which :func:`shock_sd_from_history` estimates a spread."""


def shock_sd_from_history(values_usd_m: ArrayLike) -> float:
    r"""Standard deviation of year-on-year log changes of an observed annual series.

    .. math:: \hat\sigma = \sqrt{\frac{1}{n - 1} \sum_{k=1}^{n} (\Delta_k - \bar\Delta)^2},
              \qquad \Delta_k = \ln X_k - \ln X_{k-1}

    The sample standard deviation (``n - 1``) of the ``n`` log changes of consecutive calendar
    years; it sets ``shock_sd: from_history`` (methods.md section 8), the spread of the annual
    shocks of a random walk in the log level (:func:`level_shock_factor`).

    Parameters
    ----------
    values_usd_m : array_like
        Observed totals of consecutive years, oldest first [US$ million, > 0].

    Returns
    -------
    float
        :math:`\hat\sigma` [log points per year].

    Raises
    ------
    ValueError
        With fewer than 3 changes (4 values), or a value that is not positive.

    Examples
    --------
    >>> round(shock_sd_from_history([14.8, 13.2, 11.7, 28.2, 27.0]), 3)  # methods.md: AZE 2019-23
    0.488
    """
    values = np.asarray(values_usd_m, dtype=float).ravel()
    if values.size - 1 < MIN_HISTORY_CHANGES:
        raise ValueError(
            f"shock_sd from history needs at least {MIN_HISTORY_CHANGES} year-on-year changes "
            f"({MIN_HISTORY_CHANGES + 1} years); got {max(values.size - 1, 0)}"
        )
    if np.any(~(values > 0.0)):
        raise ValueError("shock_sd from history needs positive values")
    return float(np.std(np.diff(np.log(values)), ddof=1))


def level_shock_factor(standard_normals: ArrayLike, shock_sd: ArrayLike):
    r"""Median-preserving random-walk factor on the baseline level, year ``y0`` first.

    .. math:: f(y_0) = 1, \qquad f(y) = \exp\Big(\sum_{k = y_0 + 1}^{y} e_k\Big), \quad
              e_k = \sigma z_k, \ z_k \sim N(0, 1)

    The log level moves by an independent normal shock each year, so its spread grows like
    :math:`\sqrt{t}` and the median factor stays 1 (methods.md section 8; the shocks have mean
    zero in logs, so the mean factor is :math:`e^{\sigma^2 t / 2}`). Multiply a flow's trend
    path by ``f``: one row of shocks common to all flows, and optionally an independent one per
    flow (``flow_shock_sd``).

    Parameters
    ----------
    standard_normals : array_like
        Pre-drawn standard normals :math:`z_k` for the years after ``y0``, on the last axis
        (e.g. shape ``(D, Y - 1)``).
    shock_sd : array_like
        :math:`\sigma` [log points per year, >= 0], broadcast against ``standard_normals``
        (give per-draw values a trailing axis of length 1).

    Returns
    -------
    numpy.ndarray
        Factor with one more entry on the last axis than ``standard_normals``: ``y0`` first.

    Examples
    --------
    >>> level_shock_factor([1.0, -1.0, 0.5], 0.2).round(6).tolist()  # exp(0.2), 1, exp(0.1)
    [1.0, 1.221403, 1.0, 1.105171]
    """
    steps = np.asarray(shock_sd, dtype=float) * np.asarray(standard_normals, dtype=float)
    log_level = np.cumsum(steps, axis=-1)
    start = np.zeros((*log_level.shape[:-1], 1))
    return np.exp(np.concatenate([start, log_level], axis=-1))
