"""Baseline growth of a flow without new policy (methods.md section 1)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def baseline_value(value_usd_m: ArrayLike, growth: ArrayLike, years_since_base: ArrayLike):
    r"""Value of a flow growing at a constant rate from its base-year value.

    .. math:: base_f(y) = B_f (1 + g_f)^{y - y_0}

    Parameters
    ----------
    value_usd_m : array_like
        Value in the base year ``B_f`` [US$ million].
    growth : array_like
        Annual growth ``g_f`` [fraction, > -1].
    years_since_base : array_like
        ``y - y0`` [years].

    Returns
    -------
    numpy.ndarray
        Value in year ``y`` [US$ million], broadcast over the inputs.

    Examples
    --------
    >>> round(float(baseline_value(100.0, 0.15, 5)), 6)  # 100 * 1.15**5
    201.135719
    """
    # exp(t log(1 + g)) == (1 + g)**t, and much cheaper over many draws than a power
    rate = np.log1p(np.asarray(growth, dtype=float))
    return np.asarray(value_usd_m, dtype=float) * np.exp(
        rate * np.asarray(years_since_base, dtype=float)
    )
