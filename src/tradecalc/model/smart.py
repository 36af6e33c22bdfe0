"""WITS-SMART partial equilibrium: trade creation and diversion of a tariff cut (methods.md 2)."""

from __future__ import annotations

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


def smart_diversion(
    new_tariff: ArrayLike,
    mfn_tariff: ArrayLike,
    partner_share: ArrayLike,
    substitution_elasticity: ArrayLike = DEFAULT_SUBSTITUTION_ELASTICITY,
):
    r"""Trade diverted from third suppliers to the partner, as a share of the partner's trade.

    The partner's share of the importer's market moves, in exact CES form, from
    :math:`s_0` to

    .. math:: s_1 = \frac{s_0 r^{-\sigma}}{s_0 r^{-\sigma} + 1 - s_0}, \qquad
              r = \frac{1 + t_1}{1 + t_0}

    and the diversion :math:`(s_1 - s_0) M / s_0` is capped at the third suppliers' existing
    trade :math:`(1 - s_0) M / s_0` (Jammes & Olarreaga 2005). Returned divided by :math:`M`.

    Examples
    --------
    >>> round(float(smart_diversion(0.0, 0.15, 0.2)), 6)  # s1 = 0.235655: (s1 - 0.2) / 0.2
    0.178274
    """
    s0 = np.asarray(partner_share, dtype=float)
    ratio = (1.0 + np.asarray(new_tariff, dtype=float)) / (
        1.0 + np.asarray(mfn_tariff, dtype=float)
    )
    weighted = s0 * ratio ** (-np.asarray(substitution_elasticity, dtype=float))
    s1 = weighted / (weighted + 1.0 - s0)
    return np.minimum(s1 - s0, 1.0 - s0) / s0
