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


def squared_deviations(changes: ArrayLike, centres: ArrayLike) -> tuple[float, int]:
    r"""Sum of squared deviations of log changes from known centres, and their count.

    .. math:: SS = \sum_{k=1}^{n} (\Delta_k - c_k)^2

    The centre :math:`c_k` is the log growth the projection itself uses for that year (the
    central path's own change), so nothing is estimated from the record but the spread: the
    estimate :math:`\sqrt{SS / n}` has divisor ``n`` (known mean; methods.md section 8).

    Examples
    --------
    >>> ss, n = squared_deviations([0.1, -0.1], 0.0)  # 0.01 + 0.01
    >>> round(ss, 6), n
    (0.02, 2)
    """
    deviations = np.asarray(changes, dtype=float) - np.asarray(centres, dtype=float)
    return float(np.sum(deviations**2)), int(deviations.size)


def pooled_variance(sums_of_squares: ArrayLike, degrees_of_freedom: ArrayLike) -> tuple[float, int]:
    r"""The panel's pooled variance of annual log changes and its degrees of freedom.

    .. math:: s_0^2 = \frac{\sum_i SS_i}{\sum_i d_i}, \qquad \nu_0 = \sum_i d_i

    Each record ``i`` of the panel contributes its squared deviations from its own mean
    (:math:`d_i = n_i - 1`). Read as data, it is the posterior of one common variance under a
    flat prior, a scaled inverse-:math:`\chi^2(\nu_0, s_0^2)` (Gelman et al. 2013, *Bayesian
    Data Analysis*, 3rd ed., section 2.6), used as the conjugate prior of a short record.
    ``(nan, 0)`` for an empty panel.

    Examples
    --------
    >>> s2, df = pooled_variance([0.3, 0.1], [3, 1])  # (0.3 + 0.1) / 4
    >>> round(s2, 6), df
    (0.1, 4)
    """
    ss = np.asarray(sums_of_squares, dtype=float)
    df = np.asarray(degrees_of_freedom, dtype=float)
    total = float(np.sum(df))
    return (float(np.sum(ss)) / total if total > 0 else float("nan")), int(total)


def shock_variance_posterior(
    sum_of_squares: float, changes: int, prior_variance: float, prior_df: float
) -> tuple[float, float]:
    r"""Posterior of the shock variance: scaled inverse-:math:`\chi^2(\nu_n, s_n^2)`.

    .. math:: \nu_n = \nu_0 + n, \qquad s_n^2 = \frac{\nu_0 s_0^2 + SS}{\nu_0 + n}

    The conjugate update of a normal variance with known mean (Gelman et al. 2013, *Bayesian
    Data Analysis*, 3rd ed., section 2.6): the record's own estimate :math:`SS / n` shrunk
    toward the pooled :math:`s_0^2` with weights ``n`` and :math:`\nu_0`, so the shorter the
    record, the closer :math:`s_n` is to :math:`s_0`. ``prior_df`` 0: no pooling; no data and
    no prior: :math:`(0, nan)`.

    Returns
    -------
    tuple of float
        :math:`(\nu_n, s_n^2)`.

    Examples
    --------
    >>> nu, s2 = shock_variance_posterior(0.4, 4, 0.01, 4)  # (4 x 0.01 + 0.4) / 8
    >>> nu, round(s2, 6)
    (8.0, 0.055)
    """
    nu = float(prior_df) + changes
    prior = float(prior_df) * prior_variance if prior_df > 0 else 0.0
    return nu, ((prior + sum_of_squares) / nu if nu > 0 else float("nan"))


def shock_sd_draws(chi_squares: ArrayLike, posterior_df: float, posterior_variance: float):
    r"""Shock sds drawn from the scaled inverse-:math:`\chi^2(\nu_n, s_n^2)` posterior.

    .. math:: \sigma = \sqrt{\nu_n s_n^2 / X}, \qquad X \sim \chi^2_{\nu_n}

    Pre-drawn :math:`\chi^2_{\nu_n}` variates in, one sd per Monte Carlo draw out: the
    parameter's uncertainty widens the bands (Gelman et al. 2013, section 2.6).

    Examples
    --------
    >>> shock_sd_draws([8.0, 2.0], 8.0, 0.055).round(6).tolist()  # sqrt(0.44 / 8), sqrt(0.22)
    [0.234521, 0.469042]
    """
    x = np.asarray(chi_squares, dtype=float)
    return np.sqrt(posterior_df * posterior_variance / x)


def ar1_innovation_scale(rho: float) -> float:
    r"""Innovation sd of an AR(1) level per unit sd of its annual changes.

    .. math:: \sigma_u = \sigma \sqrt{(1 + \rho) / 2}

    For a stationary AR(1) deviation :math:`u_t = \rho u_{t-1} + \sigma_u z_t` the annual
    change has variance :math:`2 \sigma_u^2 / (1 + \rho)`; matching it to the variance
    :math:`\sigma^2` measured on the record's changes gives the factor (1 for the random walk,
    :math:`\rho = 1`). Hamilton (1994), *Time Series Analysis*, section 3.4.

    Examples
    --------
    >>> round(ar1_innovation_scale(0.5), 6), ar1_innovation_scale(1.0)  # sqrt(0.75)
    (0.866025, 1.0)
    """
    return float(np.sqrt((1.0 + rho) / 2.0))


def level_deviation_factor(standard_normals: ArrayLike, shock_sd: ArrayLike, rho: float = 1.0):
    r"""Median-preserving factor of an AR(1) deviation of the log level from trend.

    .. math:: u_{y_0} = 0, \qquad u_y = \rho\, u_{y - 1} + \sigma z_y, \qquad f(y) = e^{u_y}

    Shocks that fade at rate :math:`\rho` per year (transitory, :math:`0 \le \rho < 1`);
    :math:`\rho = 1` is the random walk of :func:`level_shock_factor`, bit for bit. The
    variance after ``t`` years is :math:`\sigma^2 (1 - \rho^{2t}) / (1 - \rho^2)`.

    Examples
    --------
    >>> level_deviation_factor([1.0, 1.0], 0.2, 0.5).round(6).tolist()  # exp(0.2), exp(0.3)
    [1.0, 1.221403, 1.349859]
    """
    if rho == 1.0:
        return level_shock_factor(standard_normals, shock_sd)
    steps = np.asarray(shock_sd, dtype=float) * np.asarray(standard_normals, dtype=float)
    log_level = np.zeros((*steps.shape[:-1], steps.shape[-1] + 1))
    for y in range(1, log_level.shape[-1]):
        log_level[..., y] = rho * log_level[..., y - 1] + steps[..., y - 1]
    return np.exp(log_level)
