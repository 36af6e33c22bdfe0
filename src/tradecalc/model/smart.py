"""WITS-SMART partial equilibrium: trade creation and diversion of a tariff cut (methods.md 2)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

DEFAULT_SUBSTITUTION_ELASTICITY = 1.5
"""Substitution elasticity between suppliers, the WITS-SMART default."""


def smart_creation(
    new_tariff: ArrayLike, mfn_tariff: ArrayLike, import_demand_elasticity: ArrayLike
):
    r"""Trade creation of a preferential cut, as a share of the partner's current trade.

    .. math:: \frac{TC}{M} = \eta \, \frac{t_1 - t_0}{1 + t_0}

    with the import-demand elasticity :math:`\eta < 0` (Laird & Yeats 1986, *Weltwirtschaftliches
    Archiv* 122; Jammes & Olarreaga 2005, "Explaining SMART and GSIM", World Bank).

    Examples
    --------
    >>> round(float(smart_creation(0.0, 0.15, -1.5)), 6)  # -1.5 * (0 - 0.15) / 1.15
    0.195652
    """
    t1 = np.asarray(new_tariff, dtype=float)
    t0 = np.asarray(mfn_tariff, dtype=float)
    return np.asarray(import_demand_elasticity, dtype=float) * (t1 - t0) / (1.0 + t0)


def smart_diversion_first_order(
    new_tariff: ArrayLike,
    mfn_tariff: ArrayLike,
    partner_share: ArrayLike,
    substitution_elasticity: ArrayLike = DEFAULT_SUBSTITUTION_ELASTICITY,
):
    r"""First-order trade diversion, as a share of the partner's current trade.

    The linearisation of :func:`smart_diversion` (its denominator without the
    :math:`M \sigma \Delta` term), capped at the third suppliers' trade; kept for comparison:

    .. math::
        TD = \min\left(M_o,\ \sigma \frac{M M_o}{M + M_o} \frac{t_0 - t_1}{1 + t_0}\right),
        \qquad M_o = M \frac{1 - s_0}{s_0}

    so that :math:`TD / M = \min\left(\frac{1 - s_0}{s_0},\ \sigma (1 - s_0)
    \frac{t_0 - t_1}{1 + t_0}\right)`. Laird & Yeats (1986), "The UNCTAD trade policy
    simulation model", UNCTAD Discussion Paper 19; Jammes & Olarreaga (2005), "Explaining
    SMART and GSIM", World Bank; WITS online help. Linear in :math:`\sigma` below the cap. For a
    tariff increase the diversion is negative (away from the partner), floored at the partner's
    own trade (``-1``).

    Parameters
    ----------
    new_tariff, mfn_tariff : array_like
        Partner's tariff after ``t1`` and before ``t0`` (the MFN rate third suppliers keep)
        [fraction].
    partner_share : array_like
        Partner's share ``s0`` of the importer's imports of the product (0, 1].
    substitution_elasticity : array_like
        :math:`\sigma` between suppliers [> 0]; WITS default 1.5.

    Returns
    -------
    numpy.ndarray
        :math:`TD / M` [fraction of the partner's current trade].

    Examples
    --------
    >>> round(float(smart_diversion_first_order(0.0, 0.15, 0.2)), 6)  # 1.5 * 0.8 * 0.15 / 1.15
    0.156522
    """
    s0 = np.asarray(partner_share, dtype=float)
    t1 = np.asarray(new_tariff, dtype=float)
    t0 = np.asarray(mfn_tariff, dtype=float)
    with np.errstate(divide="ignore"):
        others = (1.0 - s0) / s0  # M_o / M
    sigma = np.asarray(substitution_elasticity, dtype=float)
    first_order = sigma * (1.0 - s0) * (t0 - t1) / (1.0 + t0)
    return np.clip(first_order, -1.0, others)


def smart_diversion(
    new_tariff: ArrayLike,
    mfn_tariff: ArrayLike,
    partner_share: ArrayLike,
    substitution_elasticity: ArrayLike = DEFAULT_SUBSTITUTION_ELASTICITY,
):
    r"""Trade diversion of a preferential change, the full Laird-Yeats expression WITS uses.

    .. math::
        TD = \frac{M \, M_o \, \sigma \, \Delta}{M + M_o + M \, \sigma \, \Delta},
        \qquad \Delta = \frac{t_0 - t_1}{1 + t_0}, \qquad M_o = M \frac{1 - s_0}{s_0}

    with :math:`\Delta` the fall of the partner's price relative to third suppliers' (who keep
    :math:`t_0`), so that :math:`TD / M = \sigma \Delta (1 - s_0) / (1 + s_0 \sigma \Delta)`.
    Laird & Yeats (1986), "The UNCTAD trade policy simulation model", UNCTAD Discussion Paper
    19; the WITS online help, "SMART > Presentation > SMART Theoretical Framework"; Jammes &
    Olarreaga (2005), "Explaining SMART and GSIM", World Bank. It is what total imports held
    fixed and a supplier ratio :math:`M / M_o` moving by :math:`1 + \sigma \Delta` give: a cut
    never diverts more than :math:`M_o`, and the denominator is the difference from
    :func:`smart_diversion_first_order`. A tariff increase diverts away from the partner, all
    of its trade (``-1``) once :math:`\sigma \Delta \le -1`.

    Parameters
    ----------
    new_tariff, mfn_tariff : array_like
        Partner's tariff after ``t1`` and before ``t0`` (the MFN rate third suppliers keep)
        [fraction].
    partner_share : array_like
        Partner's share ``s0`` of the importer's imports of the product (0, 1].
    substitution_elasticity : array_like
        :math:`\sigma` between suppliers [> 0]; WITS default 1.5.

    Returns
    -------
    numpy.ndarray
        :math:`TD / M` [fraction of the partner's current trade].

    Examples
    --------
    >>> # M = 10, M_o = 40, x = sigma Delta = 1.5 * 0.15 / 1.15: 40 x / (50 + 10 x)
    >>> round(float(smart_diversion(0.0, 0.15, 0.2)), 6)
    0.150628
    """
    s0 = np.asarray(partner_share, dtype=float)
    t1 = np.asarray(new_tariff, dtype=float)
    t0 = np.asarray(mfn_tariff, dtype=float)
    move = np.asarray(substitution_elasticity, dtype=float) * (t0 - t1) / (1.0 + t0)
    with np.errstate(divide="ignore", invalid="ignore"):
        diverted = move * (1.0 - s0) / (1.0 + s0 * move)
    return np.where(1.0 + move > 0.0, diverted, -1.0)


def smart_tariff_revenue_change(
    new_tariff: ArrayLike,
    mfn_tariff: ArrayLike,
    imports_before_usd_m: ArrayLike,
    imports_after_usd_m: ArrayLike,
    diversion_usd_m: ArrayLike,
):
    r"""Change of the importer's tariff revenue, a SMART side output.

    .. math:: \Delta R = t_1 M_1 - t_0 M_0 - t_0 \, TD, \qquad M_1 = M_0 + TC + TD

    The partner's line pays :math:`t_1` on its new trade instead of :math:`t_0` on the old, and
    the imports diverted from third suppliers no longer pay them :math:`t_0` (Laird & Yeats 1986,
    UNCTAD Discussion Paper 19; WITS-SMART reports the sum as "tariff revenue", TR1 - TR0).

    Parameters
    ----------
    new_tariff, mfn_tariff : array_like
        Tariff after ``t1`` and before ``t0`` [fraction].
    imports_before_usd_m, imports_after_usd_m : array_like
        Partner's trade before ``M0`` and after ``M1`` [US$ million].
    diversion_usd_m : array_like
        Trade diverted from third suppliers ``TD`` [US$ million] (negative: back to them).

    Returns
    -------
    numpy.ndarray
        Revenue change [US$ million]; negative for a cut to zero.

    Examples
    --------
    >>> round(float(smart_tariff_revenue_change(0.05, 0.15, 10.0, 12.0, 1.0)), 6)  # .6-1.5-.15
    -1.05
    """
    t1 = np.asarray(new_tariff, dtype=float)
    t0 = np.asarray(mfn_tariff, dtype=float)
    before = np.asarray(imports_before_usd_m, dtype=float)
    after = np.asarray(imports_after_usd_m, dtype=float)
    return t1 * after - t0 * before - t0 * np.asarray(diversion_usd_m, dtype=float)


def smart_consumer_surplus(new_tariff: ArrayLike, mfn_tariff: ArrayLike, creation_usd_m: ArrayLike):
    r"""Consumer-surplus gain of a tariff cut (the welfare triangle), a SMART side output.

    .. math:: \Delta CS = \tfrac{1}{2} (t_0 - t_1) \, TC

    Laird & Yeats (1986), "The UNCTAD trade policy simulation model", UNCTAD Discussion Paper 19.

    Parameters
    ----------
    new_tariff, mfn_tariff : array_like
        Tariff after ``t1`` and before ``t0`` [fraction].
    creation_usd_m : array_like
        Trade creation ``TC`` [US$ million].

    Returns
    -------
    numpy.ndarray
        Gain [US$ million].

    Examples
    --------
    >>> round(float(smart_consumer_surplus(0.0, 0.15, 2.0)), 6)  # 0.5 * 0.15 * 2
    0.15
    """
    t1 = np.asarray(new_tariff, dtype=float)
    t0 = np.asarray(mfn_tariff, dtype=float)
    return 0.5 * (t0 - t1) * np.asarray(creation_usd_m, dtype=float)


class SmartEffects(NamedTuple):
    """WITS-SMART results for one change, all in US$ million."""

    creation: np.ndarray
    diversion: np.ndarray
    revenue_change: np.ndarray
    consumer_surplus: np.ndarray


def smart_effects(
    imports_usd_m: ArrayLike,
    new_tariff: ArrayLike,
    mfn_tariff: ArrayLike,
    partner_share: ArrayLike,
    import_demand_elasticity: ArrayLike,
    substitution_elasticity: ArrayLike = DEFAULT_SUBSTITUTION_ELASTICITY,
):
    r"""Trade creation, diversion and SMART's side outputs of a preferential tariff change.

    .. math::
        TC = \eta M \frac{t_1 - t_0}{1 + t_0}, \quad
        TD = M \cdot \text{smart\_diversion}, \quad
        \Delta R = t_1 (M + TC + TD) - t_0 M - t_0 TD, \quad
        \Delta CS = \tfrac{1}{2}(t_0 - t_1) TC

    Laird & Yeats (1986), UNCTAD Discussion Paper 19; Jammes & Olarreaga (2005), "Explaining
    SMART and GSIM", World Bank.

    Parameters
    ----------
    imports_usd_m : array_like
        Partner's current trade ``M`` [US$ million].
    new_tariff, mfn_tariff : array_like
        Tariff after ``t1`` and before ``t0`` [fraction].
    partner_share : array_like
        Partner's share ``s0`` of the importer's imports (0, 1].
    import_demand_elasticity : array_like
        :math:`\eta` [< 0].
    substitution_elasticity : array_like
        :math:`\sigma` [> 0], default 1.5.

    Returns
    -------
    SmartEffects
        ``(creation, diversion, revenue_change, consumer_surplus)`` [US$ million].

    Examples
    --------
    >>> e = smart_effects(10.0, 0.0, 0.15, 0.2, -1.5)  # TC = 1.5*.15/1.15*10 = 1.9565
    >>> [round(float(x), 4) for x in e]  # TD = 10 * 0.150628; dR = 0 - 1.5 - 0.15 TD
    [1.9565, 1.5063, -1.7259, 0.1467]
    """
    imports = np.asarray(imports_usd_m, dtype=float)
    creation = imports * smart_creation(new_tariff, mfn_tariff, import_demand_elasticity)
    diversion = imports * smart_diversion(
        new_tariff, mfn_tariff, partner_share, substitution_elasticity
    )
    revenue = smart_tariff_revenue_change(
        new_tariff, mfn_tariff, imports, imports + creation + diversion, diversion
    )
    surplus = smart_consumer_surplus(new_tariff, mfn_tariff, creation)
    return SmartEffects(creation, diversion, revenue, surplus)
