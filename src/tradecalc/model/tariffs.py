"""PTA tariff cuts: staging and the CES direct effect of structural gravity (methods.md 2)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def staging(years: ArrayLike, start_year: ArrayLike, phase_years: ArrayLike):
    r"""Share of a policy phased in by year ``y``.

    .. math:: \phi(y) = 0 \text{ if } y < y_s, \quad
              \min\left(1, \frac{y - y_s + 1}{P}\right) \text{ otherwise}

    Used for the PTA tariff staging (``phase_in_years``), the PTA response lag
    (``response_years``) and the TTA phase-in (methods.md sections 2 and 3).

    Parameters
    ----------
    years : array_like
        Calendar years.
    start_year : array_like
        First year of the policy ``y_s``.
    phase_years : array_like
        Years to full effect ``P`` [>= 1]; 1 means full effect in ``start_year``.

    Returns
    -------
    numpy.ndarray
        Share in [0, 1].

    Examples
    --------
    >>> staging([2024, 2025, 2026, 2027, 2028], 2025, 3).round(4).tolist()
    [0.0, 0.3333, 0.6667, 1.0, 1.0]
    """
    elapsed = np.asarray(years, dtype=float) - np.asarray(start_year, dtype=float) + 1.0
    share = np.minimum(1.0, elapsed / np.asarray(phase_years, dtype=float))
    return np.where(elapsed >= 1.0, share, 0.0)


def staged_tariff(mfn_tariff: ArrayLike, preferential_tariff: ArrayLike, phase: ArrayLike):
    r"""Tariff in force when a share ``phase`` of the cut has been applied.

    .. math:: t(y) = t_0 - \phi(y) (t_0 - t_p)

    Examples
    --------
    >>> float(staged_tariff(0.15, 0.0, 0.5))  # halfway from 15 % to 0
    0.075
    """
    t0 = np.asarray(mfn_tariff, dtype=float)
    return t0 - np.asarray(phase, dtype=float) * (t0 - np.asarray(preferential_tariff, dtype=float))


def ces_tariff_ratio(new_tariff: ArrayLike, mfn_tariff: ArrayLike, theta: ArrayLike):
    r"""Direct effect of a tariff change on trade under CES / structural gravity.

    .. math:: \frac{X_1}{X_0} = \left(\frac{1 + t_1}{1 + t_0}\right)^{-\theta}

    The standard partial effect of structural gravity: Yotov, Piermartini, Monteiro & Larch
    (2016), *An Advanced Guide to Trade Policy Analysis*, WTO/UNCTAD.

    Parameters
    ----------
    new_tariff : array_like
        Tariff after the cut ``t1`` [fraction].
    mfn_tariff : array_like
        Tariff before the cut ``t0`` [fraction].
    theta : array_like
        Trade elasticity [> 0].

    Returns
    -------
    numpy.ndarray
        Ratio of trade after to trade before.

    Examples
    --------
    >>> round(float(ces_tariff_ratio(0.0, 0.15, 5.0)) - 1, 4)  # methods.md check: +101.1 %
    1.0114
    """
    t1 = np.asarray(new_tariff, dtype=float)
    t0 = np.asarray(mfn_tariff, dtype=float)
    return ((1.0 + t1) / (1.0 + t0)) ** (-np.asarray(theta, dtype=float))


def pta_effect(
    tariff_ratio: ArrayLike,
    coverage: ArrayLike,
    utilization: ArrayLike,
    response: ArrayLike = 1.0,
):
    r"""Effect part ``m_pta - 1`` of one PTA line on its flow's trade.

    .. math:: m_{pta} - 1 = c \, u \, (r - 1) \, \rho(y)

    where ``r`` is :func:`ces_tariff_ratio` of the staged tariff, ``c`` the covered share of the
    flow, ``u`` the utilisation rate and ``rho`` the behavioural response lag
    (:func:`staging` with ``response_years``; Baier & Bergstrand 2007, JIE 71(1), find
    FTA effects build up over about ten years). Summing this over the lines of a flow and
    adding 1 gives the flow's PTA multiplier.

    Examples
    --------
    >>> round(float(pta_effect(2.0114, coverage=0.5, utilization=0.7)), 5)  # 0.5 * 0.7 * 1.0114
    0.35399
    """
    ratio = np.asarray(tariff_ratio, dtype=float)
    return (
        np.asarray(coverage, dtype=float)
        * np.asarray(utilization, dtype=float)
        * (ratio - 1.0)
        * np.asarray(response, dtype=float)
    )
