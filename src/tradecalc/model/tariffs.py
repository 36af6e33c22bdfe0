"""Tariff changes: staging, the tariff exponent and the CES direct effect (methods.md 2)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from tradecalc.model.response import response_share


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


def tariff_exponent(theta: ArrayLike):
    r"""Exponent of the tariff factor ``(1 + t)`` on pre-duty trade values, from ``theta``.

    .. math:: \varepsilon = \theta + 1

    Customs record trade before duty; under CES demand (Armington or Krugman) or Eaton-Kortum
    the pre-duty value responds to ``(1 + t)`` with exponent :math:`-(\theta + 1)` where
    :math:`\theta` (``sigma - 1``) is the elasticity of trade to iceberg costs. Yotov,
    Piermartini, Monteiro & Larch (2016), *An Advanced Guide to Trade Policy Analysis*,
    WTO/UNCTAD, ch. 1, read the coefficient on ``ln(1 + tariff)`` as ``sigma``. The default
    :math:`\theta = 4` is Simonovska & Waugh (2014), *Journal of International Economics* 92(1).

    Parameters
    ----------
    theta : array_like
        Trade elasticity [> 0].

    Returns
    -------
    numpy.ndarray
        Tariff exponent :math:`\varepsilon` [> 1].

    Examples
    --------
    >>> float(tariff_exponent(4.0))  # methods.md section 2: theta 4 gives epsilon 5
    5.0
    """
    return np.asarray(theta, dtype=float) + 1.0


def tariff_ratio(new_tariff: ArrayLike, tariff_before: ArrayLike, epsilon: ArrayLike):
    r"""Ratio of trade after to before a tariff change, given the tariff exponent directly.

    .. math:: \frac{X_1}{X_0} = \left(\frac{1 + t_1}{1 + t_0}\right)^{-\varepsilon}

    Works for cuts (ratio above 1) and increases (ratio below 1). Take :math:`\varepsilon` from
    :func:`tariff_exponent` of the trade elasticity, or directly from tariff-based estimates
    such as Fontagné, Guimbard & Orefice (2022), "Tariff-based product-level trade
    elasticities", *Journal of International Economics* 137 (centred near 5). Structural
    gravity partial effect: Yotov et al. (2016), WTO/UNCTAD, ch. 1.

    Parameters
    ----------
    new_tariff : array_like
        Tariff after the change ``t1`` [fraction].
    tariff_before : array_like
        Tariff before the change ``t0`` [fraction].
    epsilon : array_like
        Tariff exponent [> 0].

    Returns
    -------
    numpy.ndarray
        Ratio of trade after to trade before [> 0].

    Examples
    --------
    >>> round(float(tariff_ratio(0.0, 0.15, 5.0)) - 1, 4)  # methods.md check: 1.15**5 - 1
    1.0114
    >>> round(float(tariff_ratio(0.15, 0.0, 5.0)) - 1, 4)  # an increase: 1.15**-5 - 1
    -0.5028
    """
    t1 = np.asarray(new_tariff, dtype=float)
    t0 = np.asarray(tariff_before, dtype=float)
    return ((1.0 + t1) / (1.0 + t0)) ** (-np.asarray(epsilon, dtype=float))


def pta_full_ratio(
    trade_ratio: ArrayLike, coverage: ArrayLike, utilization: ArrayLike, line_axis: int = 0
):
    r"""Full (long-run) PTA ratio of a flow: its lines' effects summed on ``line_axis``.

    .. math:: full_f = 1 + \sum_{lines} c \, u \, (r^{-\varepsilon} - 1)

    with ``trade_ratio`` the :func:`tariff_ratio` of each line's staged tariff, ``c`` its
    covered share of the flow and ``u`` its utilisation (Keck & Lendle 2012, WTO
    ERSD-2012-12). When the covered shares of a flow sum to at most 1, ``full > 0``.

    Parameters
    ----------
    trade_ratio, coverage, utilization : array_like
        Per line, lines on ``line_axis`` after broadcasting [ratio, fraction, fraction].
    line_axis : int
        Axis that holds the lines.

    Returns
    -------
    numpy.ndarray
        The full ratio, with ``line_axis`` removed.

    Examples
    --------
    >>> round(float(pta_full_ratio([2.0, 1.5], [0.5, 0.2], [0.7, 1.0])), 6)  # 1 + .35 + .1
    1.45
    """
    ratio, c, u = np.broadcast_arrays(
        np.asarray(trade_ratio, dtype=float),
        np.asarray(coverage, dtype=float),
        np.asarray(utilization, dtype=float),
    )
    return 1.0 + np.sum(c * u * (ratio - 1.0), axis=line_axis)


def pta_multiplier(full_ratio: ArrayLike, response_weight: ArrayLike):
    r"""PTA multiplier of a flow in a year: the full ratio reached in log space.

    .. math:: m_{pta}(y) = full_f^{\,w(y - y_s)}

    where ``w`` is the :func:`~tradecalc.model.response.response_share` of the profile
    (Yotov, Piermartini, Monteiro & Larch 2016, *An Advanced Guide to Trade Policy Analysis*,
    WTO/UNCTAD, ch. 1, application 3).

    Parameters
    ----------
    full_ratio : array_like
        :func:`pta_full_ratio` of the flow [> 0].
    response_weight : array_like
        Share of the log effect reached, ``w`` in [0, 1].

    Returns
    -------
    numpy.ndarray
        Multiplier on the flow's baseline.

    Raises
    ------
    ValueError
        If any ``full_ratio <= 0`` (covered shares of the flow summing above 1).

    Examples
    --------
    >>> round(float(pta_multiplier(np.exp(0.993), 0.291 / 0.993)) - 1, 3)  # exp(0.291): +33.8 %
    0.338
    """
    full = np.asarray(full_ratio, dtype=float)
    if np.any(full <= 0.0):
        raise ValueError("full PTA ratio must be positive: covered shares of a flow exceed 1")
    return full ** np.asarray(response_weight, dtype=float)


def tariff_change_multiplier(
    years: ArrayLike,
    year: ArrayLike,
    tariff_before: ArrayLike,
    tariff_after: ArrayLike,
    coverage: ArrayLike,
    epsilon: ArrayLike,
    phase_in_years: ArrayLike = 1.0,
    profile: str = "immediate",
    response_years: ArrayLike | None = None,
):
    r"""Multiplier of an applied-tariff change (cut or increase) on a share of a flow.

    .. math::
        t(y) = t_b + \phi(y) (t_a - t_b), \qquad
        m_{tc}(y) = \left(1 + c \left(\left(\frac{1 + t(y)}{1 + t_b}\right)^{-\varepsilon}
                     - 1\right)\right)^{w(y - y_c)}

    with :math:`\phi` the :func:`staging` over ``phase_in_years`` from ``year`` and ``w`` the
    :func:`~tradecalc.model.response.response_share` of ``profile`` (``"immediate"``: ``w = 1``,
    the formula of methods.md section 2). Exponent and CES effect as in :func:`tariff_ratio`
    (Yotov, Piermartini, Monteiro & Larch 2016, WTO/UNCTAD, ch. 1).

    Parameters
    ----------
    years : array_like
        Calendar years.
    year : array_like
        Year the change takes effect ``y_c``.
    tariff_before, tariff_after : array_like
        Applied tariff before ``t_b`` and after ``t_a`` the change [fraction].
    coverage : array_like
        Share ``c`` of the flow the change applies to [0..1].
    epsilon : array_like
        Tariff exponent [> 0] (:func:`tariff_exponent`).
    phase_in_years : array_like
        Years to the full change [>= 1].
    profile : {"immediate", "yotov2016", "linear"}
        Response profile.
    response_years : array_like, optional
        For ``profile="linear"``.

    Returns
    -------
    numpy.ndarray
        Multiplier on the flow's baseline; 1 before ``year``.

    Examples
    --------
    >>> m = tariff_change_multiplier([2027, 2028], 2028, 0.0, 0.15, 0.5, 5.0)
    >>> m.round(4).tolist()  # 1 + 0.5 * (1.15**-5 - 1) from 2028
    [1.0, 0.7486]
    """
    phase = staging(years, year, phase_in_years)
    tariff = staged_tariff(tariff_before, tariff_after, phase)
    ratio = tariff_ratio(tariff, tariff_before, epsilon)
    full = 1.0 + np.asarray(coverage, dtype=float) * (ratio - 1.0)
    elapsed = np.asarray(years, dtype=float) - np.asarray(year, dtype=float)
    return pta_multiplier(full, response_share(elapsed, profile, response_years))
