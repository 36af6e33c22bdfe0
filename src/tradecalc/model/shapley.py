"""Credit for two multiplicative levers: the Shapley split (methods.md section 4)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def shapley_split(base: ArrayLike, m_pta: ArrayLike, m_tta: ArrayLike):
    r"""Split ``base * m_pta * m_tta - base`` between the PTA and the TTA.

    .. math::
        pta = base \, (m_{pta} - 1) \frac{1 + m_{tta}}{2}, \qquad
        tta = base \, (m_{tta} - 1) \frac{1 + m_{pta}}{2}

    The Shapley value of the two-player game: each lever gets the average of its marginal
    contribution over both orders, so ``base + pta + tta == base * m_pta * m_tta`` exactly
    and the split does not depend on which lever is counted first (Shapley 1953).

    Returns
    -------
    tuple of numpy.ndarray
        ``(pta, tta)`` contributions, in the units of ``base``.

    Examples
    --------
    >>> pta, tta = shapley_split(100.0, 1.2, 1.1)  # total 100 * 1.2 * 1.1 = 132
    >>> round(float(pta), 6), round(float(tta), 6)  # 100*0.2*2.1/2, 100*0.1*2.2/2
    (21.0, 11.0)
    """
    base = np.asarray(base, dtype=float)
    m_pta = np.asarray(m_pta, dtype=float)
    m_tta = np.asarray(m_tta, dtype=float)
    pta = base * (m_pta - 1.0) * (1.0 + m_tta) / 2.0
    tta = base * (m_tta - 1.0) * (1.0 + m_pta) / 2.0
    return pta, tta
