"""Rates counted over many windows: the Wilson interval, the same interval for windows that
cluster in pairs, and the quantiles of a multiple (methods.md 14)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

Z95 = 1.959963984540054
"""The standard normal's 97.5th percentile: a two-sided 95 % interval."""
QUANTILES = (50, 90, 99)
"""The percentiles of the H-year multiple that a base rate reports, beside its maximum."""


def wilson_interval(successes: float, trials: float, z: float = Z95) -> tuple[float, float]:
    r"""Wilson's score interval of a binomial proportion.

    .. math:: \frac{\hat p + \frac{z^2}{2n} \pm z \sqrt{\frac{\hat p (1 - \hat p)}{n}
              + \frac{z^2}{4 n^2}}}{1 + \frac{z^2}{n}}

    Wilson (1927), JASA 22(158); recommended over the Wald interval by Brown, Cai & DasGupta
    (2001), Statistical Science 16(2), above all near 0 and 1, where base rates of large
    multiples live. ``trials`` may be an effective (non-integer) sample size.
    ``(nan, nan)`` for no trials.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(0, 10)]  # (0, 3.84 / 13.84)
    [0.0, 0.2775]
    >>> [round(x, 4) for x in wilson_interval(5, 10)]
    [0.2366, 0.7634]
    """
    n = float(trials)
    if n <= 0.0:
        return float("nan"), float("nan")
    p = float(successes) / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half = z * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


def clustered_interval(
    successes_by_cluster: ArrayLike, windows_by_cluster: ArrayLike, z: float = Z95
) -> tuple[float, float]:
    r"""A 95 % interval of a proportion whose trials come in correlated clusters (the windows of
    one pair overlap in time): Wilson's interval on the effective sample size.

    .. math:: \hat p = \frac{\sum_g s_g}{\sum_g n_g}, \qquad
              \hat V = \frac{G}{G - 1} \sum_g \frac{(s_g - \hat p\, n_g)^2}{N^2}, \qquad
              n^* = \min\Big(N, \frac{\hat p (1 - \hat p)}{\hat V}\Big)

    :math:`\hat V` is the cluster-robust (linearisation, CR1) variance of a ratio estimator
    (Cochran 1977, *Sampling Techniques*, 3rd ed., section 6.11; Cameron & Miller 2015, J. Human
    Resources 50(2)); the Wilson interval on the effective size :math:`n^*` is Korn & Graubard's
    (1998, Survey Methodology 24(2)) interval for clustered samples. With no success or no
    failure the variance cannot be estimated: :math:`n^*` is then the number of clusters (as if
    each pair's windows were one observation: the cautious end).

    Examples
    --------
    >>> # two pairs of two windows, all won and all lost: V = 2 (1 + 1) / 16, n* = 0.25 / V = 1
    >>> [round(x, 4) for x in clustered_interval([2, 0], [2, 2])]  # = wilson_interval(0.5, 1)
    [0.0546, 0.9454]
    >>> [round(x, 4) for x in clustered_interval([0, 0, 0], [4, 4, 4])]  # = wilson_interval(0, 3)
    [0.0, 0.5615]
    """
    s = np.asarray(successes_by_cluster, dtype=float)
    n = np.asarray(windows_by_cluster, dtype=float)
    total, groups = float(n.sum()), len(n)
    if total <= 0.0:
        return float("nan"), float("nan")
    p = float(s.sum()) / total
    if groups < 2 or p in (0.0, 1.0):
        return wilson_interval(p * groups, groups, z)
    variance = groups / (groups - 1.0) * float(np.sum((s - p * n) ** 2)) / total**2
    effective = total if variance <= 0.0 else min(total, p * (1.0 - p) / variance)
    return wilson_interval(p * effective, effective, z)


def multiple_quantiles(multiples: ArrayLike) -> dict[str, float | None]:
    """P50, P90, P99 and the maximum of the multiples (numpy's linear interpolation between
    order statistics, Hyndman & Fan 1996 type 7); None for each when there are none.

    >>> multiple_quantiles([1.0, 2.0, 3.0, 4.0, 5.0])
    {'p50': 3.0, 'p90': 4.6, 'p99': 4.96, 'max': 5.0}
    """
    m = np.asarray(multiples, dtype=float)
    keys = [f"p{q}" for q in QUANTILES] + ["max"]
    if m.size == 0:
        return dict.fromkeys(keys)
    values = [*np.percentile(m, QUANTILES).tolist(), float(m.max())]
    return {k: float(v) for k, v in zip(keys, values, strict=True)}
