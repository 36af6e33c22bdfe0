"""TTA transit-time changes: two published conversions of days into trade (methods.md section 3)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

DEFAULT_BETA_PER_DAY = 0.01
"""Semi-elasticity of trade to a day of transit (Djankov, Freund & Pham 2010, REStat 92(1))."""

DEFAULT_AVE_PER_DAY = 0.006
"""Ad-valorem equivalent of a day in transit (Hummels & Schaur 2013, AER 103(7): 0.6-2.1 %)."""


def semi_elasticity_multiplier(
    days_before: ArrayLike,
    days_after: ArrayLike,
    route_share: ArrayLike = 1.0,
    beta: ArrayLike = DEFAULT_BETA_PER_DAY,
):
    r"""Trade multiplier from days saved (or lost), by a constant semi-elasticity.

    .. math:: m_{tta} = 1 + r \left(e^{\beta (D_0 - D_1)} - 1\right)

    ``D1 > D0`` is allowed: a slower route (a disruption) gives a multiplier below 1.

    Each extra day of delay cuts trade by at least 1 %: Djankov, Freund & Pham (2010),
    "Trading on Time", *Review of Economics and Statistics* 92(1).

    Parameters
    ----------
    days_before, days_after : array_like
        Transit days before ``D0`` and after ``D1`` the agreement [days].
    route_share : array_like
        Share ``r`` of the flow's trade moving on the route [0..1].
    beta : array_like
        Semi-elasticity [per day].

    Examples
    --------
    >>> round(float(semi_elasticity_multiplier(21, 14)) - 1, 4)  # methods.md check: +7.25 %
    0.0725
    >>> round(float(semi_elasticity_multiplier(14, 21)) - 1, 4)  # slower: exp(-0.07) - 1
    -0.0676
    """
    saved = np.asarray(days_before, dtype=float) - np.asarray(days_after, dtype=float)
    gain = np.expm1(np.asarray(beta, dtype=float) * saved)
    return 1.0 + np.asarray(route_share, dtype=float) * gain


def ave_multiplier(
    days_before: ArrayLike,
    days_after: ArrayLike,
    theta: ArrayLike,
    route_share: ArrayLike = 1.0,
    per_day: ArrayLike = DEFAULT_AVE_PER_DAY,
):
    r"""Trade multiplier from days saved (or lost), via the ad-valorem equivalent of time.

    .. math:: m_{tta} = 1 + r \left(\left(\frac{1 + a D_1}{1 + a D_0}\right)^{-\theta} - 1\right)

    An upper bound; ``D1 > D0`` (a slower route) gives a multiplier below 1. ``theta`` is the
    trade elasticity (time costs are iceberg-type), not the tariff exponent.

    Each day in transit is worth 0.6 %-2.1 % ad valorem: Hummels & Schaur (2013), "Time as a
    Trade Barrier", *American Economic Review* 103(7); the tariff equivalent then acts through
    the CES elasticity ``theta`` like a tariff cut.

    Examples
    --------
    >>> round(float(ave_multiplier(21, 14, theta=4.0)) - 1, 3)  # methods.md check: +16.4 %
    0.164
    >>> round(float(ave_multiplier(14, 21, theta=4.0)), 3)  # slower: the inverse, 1 / 1.164
    0.859
    """
    a = np.asarray(per_day, dtype=float)
    ratio = (1.0 + a * np.asarray(days_after, dtype=float)) / (
        1.0 + a * np.asarray(days_before, dtype=float)
    )
    gain = ratio ** (-np.asarray(theta, dtype=float)) - 1.0
    return 1.0 + np.asarray(route_share, dtype=float) * gain
