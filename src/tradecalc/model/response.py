"""How fast trade responds to a tariff change: response profiles in log space (methods.md 2)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

YOTOV2016_PHASE_IN = (0.291, 0.414, 0.169, 0.119)
"""Phasing-in coefficients of an RTA for years 0-3, 4-7, 8-11 and 12+ after entry into force.

Yotov, Piermartini, Monteiro & Larch (2016), *An Advanced Guide to Trade Policy Analysis: The
Structural Gravity Model*, WTO/UNCTAD, chapter 1, application 3 (PPML with pair and
country-time fixed effects). Their sum, 0.993, is the full log effect.
"""

YOTOV2016_WINDOW_YEARS = 4
"""Length of each phasing-in window of :data:`YOTOV2016_PHASE_IN` [years]."""

RESPONSE_PROFILES = ("yotov2016", "linear", "immediate")
"""Profile codes accepted by :func:`response_share`."""


def _yotov2016_cumulative_shares():
    coefficients = np.asarray(YOTOV2016_PHASE_IN, dtype=float)
    return np.cumsum(coefficients) / coefficients.sum()


def response_share(
    years_since_start: ArrayLike,
    profile: str = "yotov2016",
    response_years: ArrayLike | None = None,
):
    r"""Share ``w(k)`` of a tariff change's log effect reached ``k`` years after entry into force.

    The multiplier of the change is ``full ** w(k)`` (:func:`pta_multiplier`): the profile acts
    in log space, so a cut and the matching increase respond at the same pace.

    - ``"yotov2016"`` (default): the cumulative phasing-in shares of Yotov et al. (2016), derived
      from their coefficients 0.291, 0.414, 0.169, 0.119 (sum 0.993):

      .. math:: w(k) = \frac{1}{0.993} \sum_{j \le \lfloor k/4 \rfloor} b_j
                = 0.293,\ 0.710,\ 0.880,\ 1.0
                \quad \text{for } k \in [0, 4),\ [4, 8),\ [8, 12),\ [12, \infty)

      Yotov, Piermartini, Monteiro & Larch (2016), *An Advanced Guide to Trade Policy
      Analysis*, WTO/UNCTAD, ch. 1; the same order as Baier & Bergstrand (2007), *Journal of
      International Economics* 71(1), who find FTAs roughly double trade after about ten years.
    - ``"linear"``: :math:`w(k) = \min(1, (k + 1) / R)` with ``R = response_years``.
    - ``"immediate"``: :math:`w(k) = 1` from entry into force.

    Every profile gives :math:`w(k) = 0` for :math:`k < 0` (before entry into force).

    Parameters
    ----------
    years_since_start : array_like
        ``k = y - start_year`` [years]; whole years in the model, any real is accepted.
    profile : {"yotov2016", "linear", "immediate"}
        Response profile code.
    response_years : array_like, optional
        ``R`` [years, >= 1]; required for ``"linear"``, ignored otherwise.

    Returns
    -------
    numpy.ndarray
        Share of the log effect, in [0, 1].

    Raises
    ------
    ValueError
        For an unknown profile, or ``"linear"`` without ``response_years``.

    Examples
    --------
    >>> response_share([-1, 0, 3, 4, 8, 12], "yotov2016").round(3).tolist()  # 0.291/0.993 ...
    [0.0, 0.293, 0.293, 0.71, 0.88, 1.0]
    >>> response_share([-1, 0, 1, 2], "linear", response_years=2).tolist()
    [0.0, 0.5, 1.0, 1.0]
    """
    k = np.asarray(years_since_start, dtype=float)
    if profile not in RESPONSE_PROFILES:
        raise ValueError(f"unknown response profile {profile!r}; use one of {RESPONSE_PROFILES}")
    share = _PROFILE_SHARES[profile](k, response_years)
    return np.where(k >= 0.0, share, 0.0)


def _yotov2016_share(k: np.ndarray, response_years=None) -> np.ndarray:
    """The cumulative share of the 4-year window holding ``k`` (``response_years`` ignored;
    ``k < 0`` counts as the first window, and :func:`response_share` masks it)."""
    shares = _yotov2016_cumulative_shares()
    window = np.floor(np.where(k >= 0.0, k, 0.0) / YOTOV2016_WINDOW_YEARS).astype(int)
    return shares[np.minimum(window, len(shares) - 1)]


def _linear_share(k: np.ndarray, response_years=None) -> np.ndarray:
    """``min(1, (k + 1) / R)``: a further 1/R each year, the full effect after R years."""
    if response_years is None:
        raise ValueError("response profile 'linear' needs response_years")
    return np.minimum(1.0, (k + 1.0) / np.asarray(response_years, dtype=float))


def _immediate_share(k: np.ndarray, response_years=None) -> np.ndarray:
    """The full effect at once (``response_years`` ignored)."""
    return np.ones_like(k)


_PROFILE_SHARES = {
    "yotov2016": _yotov2016_share,
    "linear": _linear_share,
    "immediate": _immediate_share,
}
"""Each profile code of :data:`RESPONSE_PROFILES`, with the function giving its share."""
