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


def gaussian_log_density(x: ArrayLike, mean: ArrayLike, sd: ArrayLike):
    r"""Log density of a normal distribution: the log score of a Gaussian forecast.

    .. math:: \ln \phi(x; \mu, s) = -\ln s - \tfrac12 \ln 2\pi - \frac{(x - \mu)^2}{2 s^2}

    The logarithmic score (higher is better; Gneiting & Raftery 2007, "Strictly proper scoring
    rules, prediction, and estimation", *JASA* 102(477)).

    Examples
    --------
    A forecast with no spread (``sd`` 0) is a point mass: ``-inf`` where it misses, ``inf``
    where it hits.

    >>> round(float(gaussian_log_density(1.0, 0.0, 1.0)), 6)  # -0.5 ln(2 pi) - 0.5
    -1.418939
    >>> float(gaussian_log_density(1.0, 0.0, 0.0))
    -inf
    """
    x, mean, sd = (np.asarray(v, dtype=float) for v in (x, mean, sd))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x - mean) / sd
        density = -np.log(sd) - 0.5 * np.log(2.0 * np.pi) - 0.5 * z**2
    point = np.where(x == mean, np.inf, -np.inf)
    return np.where(sd > 0, density, point)


def kde_log_density(samples: ArrayLike, x: float) -> float:
    r"""Log density at ``x`` of a sample, by a Gaussian kernel with Silverman's bandwidth.

    .. math:: \hat f(x) = \frac{1}{m} \sum_j \phi(x; x_j, h), \qquad
              h = 0.9 \min(\hat\sigma, IQR / 1.34)\, m^{-1/5}

    The log score of a forecast given as Monte Carlo draws (Silverman 1986, *Density
    Estimation for Statistics and Data Analysis*, eq. 3.31). ``-inf`` where no draw is near,
    or when the draws have no spread and miss ``x`` (a point mass). Its Monte Carlo error:
    :func:`kde_log_density_se`.

    Examples
    --------
    >>> # IQR/1.34 = 1/1.34 < sd sqrt(2): h = 0.9 / 1.34 x 2 ** -0.2 = 0.58473; ln(phi(1/h) / h)
    >>> round(kde_log_density([-1.0, 1.0], 0.0), 6)
    -1.844815
    """
    return kde_log_density_se(samples, x)[0]


def kde_log_density_se(samples: ArrayLike, x: float) -> tuple[float, float]:
    r""":func:`kde_log_density` and its Monte Carlo standard error, ``(log f, se)``.

    The estimate is a mean of ``m`` kernel terms ``K_j = phi(x; x_j, h)``, so (delta method,
    the bandwidth held fixed) :math:`se(\ln \hat f) = sd_j(K_j) / (\sqrt{m}\, \hat f)`. It
    is the error of the draws, not the kernel's smoothing bias. 0 for a point mass.

    Examples
    --------
    >>> # two kernel terms, equal: no spread between them, so no Monte Carlo error
    >>> kde_log_density_se([-1.0, 1.0], 0.0)[1]
    0.0
    """
    values = np.asarray(samples, dtype=float).ravel()
    q75, q25 = np.percentile(values, [75, 25])
    sd = float(np.std(values, ddof=1))
    if not sd > 1e-12 * max(1.0, float(np.max(np.abs(values)))):  # no spread: a point mass
        return float(gaussian_log_density(x, float(np.median(values)), 0.0)), 0.0
    spread = min(sd, float(q75 - q25) / 1.34)
    h = 0.9 * (spread if spread > 0 else sd) * values.size**-0.2
    logs = gaussian_log_density(x, values, h)
    top = float(np.max(logs))
    if not np.isfinite(top):
        return top, float("inf")
    terms = np.exp(logs - top)
    mean = float(np.mean(terms))
    se = float(np.std(terms, ddof=1) / (np.sqrt(terms.size) * mean))
    return top + float(np.log(mean)), se


def student_t_log_density(x: ArrayLike, mean: ArrayLike, scale: ArrayLike, df: ArrayLike):
    r"""Log density of a Student-t forecast with location ``mean``, ``scale`` and ``df``.

    .. math:: \ln \Gamma(\tfrac{\nu+1}{2}) - \ln \Gamma(\tfrac{\nu}{2})
              - \tfrac12 \ln(\nu \pi) - \ln s - \tfrac{\nu+1}{2} \ln(1 + z^2 / \nu)

    Examples
    --------
    >>> round(float(student_t_log_density(1.0, 0.0, 1.0, 1)), 6)  # Cauchy: -ln(2 pi)
    -1.837877
    """
    from math import lgamma

    x, mean, scale, df = (np.asarray(v, dtype=float) for v in (x, mean, scale, df))
    z = (x - mean) / scale
    norm = np.vectorize(lambda v: lgamma((v + 1) / 2) - lgamma(v / 2))(df)
    return norm - 0.5 * np.log(df * np.pi) - np.log(scale) - (df + 1) / 2 * np.log1p(z**2 / df)


def student_t_cdf(t: float, df: int) -> float:
    r"""P(T <= t) for Student's t with an integer ``df``, in closed form (Abramowitz & Stegun
    1964, *Handbook of Mathematical Functions*, 26.7.3 and 26.7.4: with
    :math:`\theta = \arctan(t / \sqrt\nu)`, a finite series in :math:`\cos\theta`).

    >>> round(student_t_cdf(1.0, 1), 6)  # Cauchy: 1/2 + arctan(1) / pi
    0.75
    """
    import math

    theta = math.atan(abs(t) / math.sqrt(df))
    c2, s = math.cos(theta) ** 2, math.sin(theta)
    if df % 2:  # odd: (2/pi) (theta + sin cos (1 + 2/3 cos^2 + 2 4/(3 5) cos^4 + ...))
        term, series = 1.0, 0.0
        for k in range(1, (df - 1) // 2 + 1):
            series += term
            term *= c2 * (2 * k) / (2 * k + 1)
        inside = 2 / math.pi * (theta + (s * math.cos(theta) * series if df > 1 else 0.0))
    else:  # even: sin (1 + 1/2 cos^2 + 1 3/(2 4) cos^4 + ...)
        term, series = 1.0, 0.0
        for k in range(1, df // 2 + 1):
            series += term
            term *= c2 * (2 * k - 1) / (2 * k)
        inside = s * series
    return 0.5 + 0.5 * inside if t >= 0 else 0.5 - 0.5 * inside


def student_t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with an integer ``df``, by bisection on
    :func:`student_t_cdf` to 1e-12.

    >>> round(student_t_quantile(0.9, 1), 6), round(student_t_quantile(0.9, 2), 6)
    (3.077684, 1.885618)
    """
    if p == 0.5:
        return 0.0
    high = 1.0
    while student_t_cdf(high, df) < max(p, 1 - p):
        high *= 2.0
    low = 0.0
    while high - low > 1e-12 * max(1.0, high):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if student_t_cdf(mid, df) < max(p, 1 - p) else (low, mid)
    q = 0.5 * (low + high)
    return q if p > 0.5 else -q


def naive_forecast(changes: ArrayLike, steps: ArrayLike):
    r"""Location, scale and degrees of freedom of the log level ``steps`` years ahead: no
    change, and drift, each a Student-t predictive distribution.

    No change (the naive forecast): location 0, scale :math:`\hat\sigma_0 \sqrt{k}` with
    :math:`\hat\sigma_0^2 = \frac1n \sum \Delta^2` (mean known, 0), ``n`` degrees of
    freedom. Drift at the past mean growth: location :math:`k \bar\Delta`, scale
    :math:`\hat\sigma \sqrt{k (1 + k / n)}` with :math:`\hat\sigma^2 = \frac{1}{n-1}
    \sum (\Delta - \bar\Delta)^2`, the second term the error of the estimated drift
    (Hyndman & Athanasopoulos 2021, *Forecasting: Principles and Practice*, 3rd ed., section
    5.5), ``n - 1`` degrees of freedom. The t (not the normal) carries the error of the
    estimated sd: it is the predictive distribution of a normal with unknown variance under
    the flat prior on its log (Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed.,
    section 3.2). Needs ``n >= 2`` changes.

    Returns
    -------
    tuple of numpy.ndarray
        ``(shift, scale, df)``: shift and scale of shape ``(2, len(steps))``, df ``(2,)``;
        row 0 no change, row 1 drift.

    Examples
    --------
    >>> shift, sd, df = naive_forecast([0.1, 0.3], [1])  # sd0 = sqrt(0.05); s = sqrt(0.02)
    >>> shift.round(6).tolist(), sd.round(6).tolist(), df.tolist()  # sqrt(0.02 x 1.5)
    ([[0.0], [0.2]], [[0.223607], [0.173205]], [2, 1])
    """
    d = np.asarray(changes, dtype=float)
    k = np.asarray(steps, dtype=float)
    n, mean = d.size, float(np.mean(d))
    sd0 = np.sqrt(np.mean(d**2))
    sd1 = float(np.std(d, ddof=1))
    shift = np.stack([np.zeros_like(k), k * mean])
    sd = np.stack([sd0 * np.sqrt(k), sd1 * np.sqrt(k * (1.0 + k / n))])
    return shift, sd, np.array([n, n - 1])
