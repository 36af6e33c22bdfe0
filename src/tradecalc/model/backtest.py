"""Back-test arithmetic: rebasing to an observed total and scoring a forecast (methods.md 11)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def rescale_to_total(values_usd_m: ArrayLike, observed_total_usd_m: ArrayLike, axis: int = -1):
    r"""Rescale flows to an observed total, keeping their shares.

    .. math:: B'_f = B_f \frac{T_{obs}}{\sum_g B_g}

    The back-test rebases the baseline flows to the observed total of its start year
    (methods.md section 11). NaN where the flows sum to zero (no shares to keep).

    Parameters
    ----------
    values_usd_m : array_like
        Flow values, flows on ``axis`` [US$ million].
    observed_total_usd_m : array_like
        Observed total :math:`T_{obs}` [US$ million], broadcast against the other axes.
    axis : int
        Axis of the flows.

    Returns
    -------
    numpy.ndarray
        Rescaled flows [US$ million], summing to the observed total.

    Examples
    --------
    >>> rescale_to_total([11.6, 1.6], 26.4).round(6).tolist()  # shares 11.6/13.2, 1.6/13.2
    [23.2, 3.2]
    """
    values = np.asarray(values_usd_m, dtype=float)
    total = np.sum(values, axis=axis, keepdims=True)
    target = np.expand_dims(np.asarray(observed_total_usd_m, dtype=float), axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total != 0.0, values * target / total, np.nan)


def inside_band(observed: ArrayLike, low: ArrayLike, high: ArrayLike):
    r"""Whether each observation lies inside the forecast band, ends included.

    .. math:: low \le obs \le high

    For a P10-P90 band the nominal rate is 80 % (Christoffersen 1998, "Evaluating interval
    forecasts", *International Economic Review* 39(4)).

    Examples
    --------
    >>> inside_band([28.2, 14.0], [13.5, 13.5], [15.4, 15.4]).tolist()
    [False, True]
    """
    obs = np.asarray(observed, dtype=float)
    return (obs >= np.asarray(low, dtype=float)) & (obs <= np.asarray(high, dtype=float))


def log_error(observed: ArrayLike, projected: ArrayLike):
    r"""Log error of a projection: positive when it overshoots the observation.

    .. math:: e = \ln(projected) - \ln(obs) = \ln \frac{projected}{obs}

    The log accuracy ratio, symmetric in over- and under-prediction (Tofallis 2015, "A better
    measure of relative prediction accuracy", *Journal of the Operational Research Society*
    66(8)).

    Examples
    --------
    >>> round(float(log_error(28.2, 14.1)), 6)  # ln(0.5)
    -0.693147
    """
    return np.log(np.asarray(projected, dtype=float)) - np.log(np.asarray(observed, dtype=float))


def mean_absolute_log_error(observed: ArrayLike, projected: ArrayLike, axis: int = -1):
    r"""Mean absolute log error over the observed years.

    .. math:: MALE = \frac{1}{n} \sum_{y} \left| \ln \frac{projected_y}{obs_y} \right|

    Tofallis (2015), *Journal of the Operational Research Society* 66(8).

    Examples
    --------
    >>> round(float(mean_absolute_log_error([10.0, 20.0], [20.0, 10.0])), 6)  # ln 2
    0.693147
    """
    return np.mean(np.abs(log_error(observed, projected)), axis=axis)


def band_coverage(observed: ArrayLike, low: ArrayLike, high: ArrayLike, axis: int = -1):
    r"""Share of observations inside their forecast band (80 % is nominal for P10-P90).

    .. math:: coverage = \frac{1}{n} \sum_y [\, low_y \le obs_y \le high_y \,]

    The unconditional coverage of interval forecasts: Christoffersen (1998), "Evaluating
    interval forecasts", *International Economic Review* 39(4).

    Examples
    --------
    >>> float(band_coverage([1.0, 5.0, 3.0, 9.0], 2.0, 8.0))  # 5 and 3 inside
    0.5
    """
    return np.mean(inside_band(observed, low, high), axis=axis)
