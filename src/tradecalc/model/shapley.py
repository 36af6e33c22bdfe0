"""Credit for multiplicative levers: the Shapley split (methods.md section 4)."""

from __future__ import annotations

from math import factorial

import numpy as np
from numpy.typing import ArrayLike


def shapley_split_levers(base: ArrayLike, *multipliers: ArrayLike):
    r"""Exact Shapley split of ``base * m_1 * ... * m_n - base`` among ``n`` multiplicative levers.

    The worth of a coalition ``S`` of levers is :math:`v(S) = base (\prod_{j \in S} m_j - 1)`,
    so lever ``i`` adds :math:`base \prod_{j \in S} m_j (m_i - 1)` when it joins ``S``. Averaging
    over all ``n!`` orders (Shapley 1953, "A value for n-person games", *Contributions to the
    Theory of Games II*, Annals of Mathematics Studies 28):

    .. math::
        \varphi_i = base \, (m_i - 1) \sum_{k=0}^{n-1} \frac{k! \, (n - k - 1)!}{n!}
                    \, e_k(m_{-i})

    where :math:`e_k(m_{-i})` is the elementary symmetric polynomial of degree ``k`` in the other
    levers' multipliers (the sum over coalitions of size ``k``). The parts add up to the total
    exactly (efficiency) and do not depend on the order of the arguments (symmetry). For two
    levers this is the closed form of methods.md 4: :math:`\varphi_1 = base (m_1 - 1)(1 + m_2)/2`.

    Parameters
    ----------
    base : array_like
        Value without any lever [US$ million, or any unit].
    *multipliers : array_like
        One multiplier per lever (e.g. ``m_pta, m_tc, m_tta``), broadcast with ``base``.

    Returns
    -------
    tuple of numpy.ndarray
        One contribution per lever, in the units of ``base``, in the order given.

    Examples
    --------
    >>> parts = shapley_split_levers(100.0, 2.0, 3.0, 1.0)  # total 100 * 6 - 100 = 500
    >>> [round(float(p), 6) for p in parts]  # the third lever adds nothing; 2-lever formula
    [200.0, 300.0, 0.0]
    >>> parts = shapley_split_levers(60.0, 2.0, 2.0, 2.0)  # symmetric: 60 * 7 / 3 each
    >>> [round(float(p), 6) for p in parts]
    [140.0, 140.0, 140.0]
    """
    n = len(multipliers)
    if n == 0:
        return ()
    base_arr = np.asarray(base, dtype=float)
    levers = [np.asarray(m, dtype=float) for m in multipliers]
    shape = np.broadcast_shapes(base_arr.shape, *(m.shape for m in levers))
    weights = [factorial(k) * factorial(n - k - 1) / factorial(n) for k in range(n)]
    parts = []
    for i, m_i in enumerate(levers):
        # elementary symmetric polynomials e_0..e_{n-1} of the other multipliers, built one
        # lever at a time (scalars until a lever makes them arrays)
        elementary: list[float | np.ndarray] = [1.0, *([0.0] * (n - 1))]
        for j, m_j in enumerate(levers):
            if j != i:
                for k in range(n - 1, 0, -1):
                    elementary[k] = elementary[k] + elementary[k - 1] * m_j
        mean_coalition: float | np.ndarray = weights[0]
        for w, e in zip(weights[1:], elementary[1:], strict=True):
            mean_coalition = mean_coalition + w * e
        parts.append(np.broadcast_to(base_arr * (m_i - 1.0) * mean_coalition, shape))
    return tuple(parts)
