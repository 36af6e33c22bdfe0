"""The random draws of a Monte Carlo: one stream per kind of shock, what each deal risks, and
the reference mapping of standard shocks onto the engine's parameters (methods.md 5 and 8).

Random numbers are drawn once as standard *shocks* and then mapped onto parameters, so the
same shocks serve another parameter value (common random numbers, for a smooth goal seek).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tradecalc.engine.compile import Layout, Params
from tradecalc.engine.shock_estimate import ShockEstimate, shock_estimate
from tradecalc.model import level_shock_factor, poisson_delay, two_piece_lognormal
from tradecalc.model.deal_risk import Z90
from tradecalc.model.uncertainty import (
    ar1_innovation_scale,
    level_deviation_factor,
    shock_sd_draws,
)
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.sections import Uncertainty

STREAMS = (
    "theta",
    "utilization",
    "growth",
    "method",
    "success",
    "level",
    "flow_level",
    "value",
    "delay",
    "survival",
    "shock_sd",
)
"""One independent random stream per kind of shock (children of the seed's SeedSequence), so
drawing one kind or not (e.g. no level shocks when ``shock_sd`` is 0) leaves the others as
they were: common random numbers across the trials of a goal seek."""


def streams(seed: int) -> dict[str, np.random.Generator]:
    """The random generators of a run, one per kind of shock (:data:`STREAMS`)."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {
        kind: np.random.default_rng(child) for kind, child in zip(STREAMS, children, strict=True)
    }


@dataclass(frozen=True)
class Risk:
    """What the draws need beyond the point values: the resolved spreads of a scenario.

    ``shock_sd`` is the number reported (for ``from_history`` the posterior scale, with the
    years it came from in ``shock_sd_years``; each draw takes its own sd from the posterior,
    :attr:`Shocks.level_sd`, or :attr:`Shocks.transitory_sd` for AR(1)); ``shock_rho`` is 1
    for the random walk, below 1 for AR(1) shocks that fade (``shock`` has the whole
    estimate); ``value_low``/``value_high`` are each
    deal's P10/P90 (``deal_value_scale`` applied; equal to the value for a deal without
    value risk).
    """

    shock_sd: float
    shock_sd_years: tuple[int, int] | None
    shock_rho: float
    shock: ShockEstimate
    flow_shock_sd: float
    deal_draws: bool  # deals: bernoulli (success, value, delay, survival drawn)
    value_low: np.ndarray  # (K,)
    value_high: np.ndarray  # (K,)
    value_risk: bool
    delay_risk: bool
    survival_risk: bool
    max_delay: int  # delays beyond this start after the horizon: all the same


def level_shock_sd(scenario: Scenario) -> tuple[float, tuple[int, int] | None]:
    """``uncertainty.shock_sd`` as a number, and the ``[first, last]`` years it came from.

    ``from_history``: the posterior scale of the shock sd, measured around the projection's
    growth and shrunk toward the panel (:func:`~tradecalc.engine.shock_estimate.shock_estimate`,
    methods.md 8). A number: that number, no years.
    """
    estimate = shock_estimate(scenario)
    return estimate.sd, estimate.years


def risk_inputs(
    scenario: Scenario, layout: Layout, point: Params, until: int | None = None
) -> Risk:
    """The :class:`Risk` of a scenario, resolved once per run; ``until``: the shock sd from
    records up to that year only."""
    u = scenario.uncertainty or Uncertainty()
    shock = shock_estimate(scenario, until)
    value = point.deal_value[0]
    scale = scenario.deal_value_scale
    spread = np.exp(Z90 * u.deal_value_spread)
    low, high = value / spread, value * spread
    ranged = np.zeros(len(value), dtype=bool)
    for k, deal in enumerate(scenario.deals):
        if deal.value_range_usd_m is not None:
            low[k], high[k] = (scale * v for v in deal.value_range_usd_m)
            ranged[k] = True
    draws = u.deals == "bernoulli"
    return Risk(
        shock_sd=shock.sd,
        shock_sd_years=shock.years,
        shock_rho=shock.rho,
        shock=shock,
        flow_shock_sd=u.flow_shock_sd,
        deal_draws=draws,
        value_low=low,
        value_high=high,
        value_risk=draws and bool(ranged.any() or u.deal_value_spread > 0),
        delay_risk=draws and bool(np.any(point.deal_delay_mean > 0)),
        survival_risk=draws and bool(np.any(point.deal_survival < 1)),
        max_delay=len(layout.years),
    )


@dataclass(frozen=True)
class Shocks:
    """Standard random numbers for a chunk of draws, independent of parameter values.

    Optional kinds are None when the scenario does not use them.
    """

    theta: np.ndarray  # (D, S) standard normal, one per sector
    utilization: np.ndarray  # (D,) uniform [0, 1)
    growth: np.ndarray  # (D, F) standard normal, one per flow
    method: np.ndarray  # (D,) uniform [0, 1)
    deals: np.ndarray  # (D, K) uniform [0, 1): success; a group uses its first deal's column
    level: np.ndarray | None = None  # (D, Y - 1) standard normal: common annual shocks
    level_sd: np.ndarray | None = None  # (D,) sd of each draw's random-walk step (posterior)
    transitory_sd: np.ndarray | None = None  # (D,) shock_model ar1: sd of the AR(1) innovation
    rho: np.ndarray | None = None  # (D,) shock_model ar1: AR(1) coefficient (level_sd then 0)
    flow_level: np.ndarray | None = None  # (D, F, Y - 1) standard normal: per-flow shocks
    value: np.ndarray | None = None  # (D, K) standard normal: deal values
    delay: np.ndarray | None = None  # (D, K) uniform: start delays
    survival: np.ndarray | None = None  # (D, K) uniform: lifetimes

    @classmethod
    def draw(
        cls,
        rng: dict[str, np.random.Generator],
        draws: int,
        layout: Layout,
        risk: Risk | None = None,
        growth: bool = True,
        theta: bool = True,
    ) -> Shocks:
        """One chunk of shocks from the generators of :func:`streams`.

        ``growth=False`` or ``theta=False`` leaves out the normals that a zero ``growth_sd``
        or ``elasticity_spread`` multiplies (their streams are separate: the rest is the same).
        """
        flows, deals, steps = len(layout.flow_sector), len(layout.deal_name), len(layout.years) - 1
        r = risk
        sds = _level_sds(rng["shock_sd"], draws, r) if r and r.shock_sd > 0 else {}
        return cls(
            **sds,
            theta=(
                rng["theta"].standard_normal((draws, len(layout.sectors)))
                if theta
                else np.zeros((draws, len(layout.sectors)))
            ),
            utilization=rng["utilization"].random(draws),
            growth=(
                rng["growth"].standard_normal((draws, flows))
                if growth
                else np.zeros((draws, flows))
            ),
            method=rng["method"].random(draws),
            deals=rng["success"].random((draws, deals)),
            level=(rng["level"].standard_normal((draws, steps)) if r and r.shock_sd > 0 else None),
            flow_level=(
                rng["flow_level"].standard_normal((draws, flows, steps))
                if r and r.flow_shock_sd > 0
                else None
            ),
            value=rng["value"].standard_normal((draws, deals)) if r and r.value_risk else None,
            delay=rng["delay"].random((draws, deals)) if r and r.delay_risk else None,
            survival=rng["survival"].random((draws, deals)) if r and r.survival_risk else None,
        )


def _level_sds(rng: np.random.Generator, draws: int, risk: Risk) -> dict[str, Any]:
    """The :class:`Shocks` fields of each draw's common annual shock: its sd from the posterior
    of ``from_history`` (:func:`~tradecalc.model.uncertainty.shock_sd_draws`), else the given
    number; for ``shock_model: ar1`` as the AR(1) innovation sd (times
    :func:`~tradecalc.model.uncertainty.ar1_innovation_scale`), with no random-walk part."""
    shock = risk.shock
    if shock.posterior_df is None:
        sd = np.full(draws, shock.sd)
    else:
        sd = shock_sd_draws(
            rng.chisquare(shock.posterior_df, draws), shock.posterior_df, shock.variance
        )
    if risk.shock_rho == 1.0:
        return {"level_sd": sd}
    scale = ar1_innovation_scale(risk.shock_rho)
    rho = np.full(draws, risk.shock_rho)
    return {"level_sd": np.zeros(draws), "transitory_sd": sd * scale, "rho": rho}


def common_shock_sd(shocks: Shocks, risk: Risk) -> tuple[Any, float]:
    """The sd (a number, or one per draw) and the AR(1) coefficient of the common annual
    shocks of ``shocks``: (transitory_sd, rho) for AR(1), (level_sd, 1) for the random walk."""
    if shocks.transitory_sd is not None and shocks.rho is not None:  # set together
        return shocks.transitory_sd, float(shocks.rho[0])  # one coefficient for all draws
    return (risk.shock_sd if shocks.level_sd is None else shocks.level_sd), 1.0


def apply_shocks(
    layout: Layout, point: Params, shocks: Shocks, spread: Uncertainty, risk: Risk | None = None
) -> Params:
    """Parameters of each draw: the point values moved by the shocks and the spreads.

    - theta: lognormal multiplier ``exp(sigma * z)`` per sector (median at the point value);
      the tariff exponent ``theta + 1`` moves with it (an exponent given directly is
      multiplied);
    - utilisation: uniform between ``utilization.low`` and ``.high``;
    - growth: point growth plus ``growth_sd * z`` per flow (kept above -0.99);
    - annual level shocks: a median-preserving random walk (or an AR(1) deviation from trend,
      ``shock_model: ar1``) in the log level of the baseline, one shock a year common to all
      flows with each draw's own sd (:func:`common_shock_sd`) times one per flow
      (``flow_shock_sd``), :func:`~tradecalc.model.uncertainty.level_deviation_factor`;
    - transit conversion: one of ``tta_methods`` with equal odds;
    - deals (``bernoulli``): success with the deal's probability, one uniform per group (weight
      0 or 1); value from a two-piece lognormal (P10/P90 at the range's ends, or a lognormal
      with ``deal_value_spread``); a Poisson start delay in whole years; a geometric lifetime
      from the annual survival, as an end year. ``expected`` keeps every deal on its expected
      path (probability as a weight, expected delay and survival, central value).
    """
    multiplier = np.exp(spread.elasticity_spread * shocks.theta)  # (D, S)
    flow_theta = point.flow_theta * multiplier[:, layout.flow_sector_index]
    changes: dict[str, Any] = {
        "flow_theta": flow_theta,
        "flow_growth": np.maximum(point.flow_growth + spread.growth_sd * shocks.growth, -0.99),
    }
    for prefix in ("line", "change"):  # the exponent theta + 1, or a given exponent, moves too
        epsilon = getattr(point, f"{prefix}_epsilon")
        if epsilon.shape[1]:
            m = multiplier[:, getattr(layout, f"{prefix}_sector_index")]
            given = getattr(layout, f"{prefix}_tariff_exponent_given")
            changes[f"{prefix}_epsilon"] = np.where(given, epsilon * m, (epsilon - 1.0) * m + 1.0)
    if spread.utilization is not None:
        low, high = spread.utilization.low, spread.utilization.high
        changes["utilization"] = low + (high - low) * shocks.utilization
    if spread.tta_methods:
        methods = np.array([m == "ave" for m in spread.tta_methods])
        choice = np.minimum((shocks.method * len(methods)).astype(int), len(methods) - 1)
        changes["tta_use_ave"] = methods[choice]
    level = None
    if shocks.level is not None and risk is not None:
        sd, rho = common_shock_sd(shocks, risk)
        sd = np.asarray(sd, dtype=float)[..., np.newaxis]  # (D, 1) or (1,)
        level = level_deviation_factor(shocks.level, sd, rho)[:, np.newaxis, :]
    if shocks.flow_level is not None and risk is not None:
        per_flow = level_shock_factor(shocks.flow_level, risk.flow_shock_sd)
        level = per_flow if level is None else level * per_flow
    if level is not None:
        changes["flow_level"] = level
    if spread.deals == "bernoulli":
        changes.update(_deal_draws(layout, point, shocks, risk))
    return point.replace(**changes)


def _deal_draws(layout: Layout, point: Params, shocks: Shocks, risk: Risk | None) -> dict:
    """Success (by group), value, delayed start and lifetime of each deal in each draw."""
    success = shocks.deals[:, layout.deal_group] < point.deal_weight
    out: dict[str, np.ndarray] = {"deal_weight": success.astype(float)}
    if risk is None:
        return out
    if shocks.value is not None:
        value = point.deal_value
        with np.errstate(divide="ignore", invalid="ignore"):
            drawn = two_piece_lognormal(value, risk.value_low, risk.value_high, shocks.value)
        out["deal_value"] = np.where(value > 0.0, drawn, 0.0)
    start = point.deal_start
    if shocks.delay is not None:
        start = start + poisson_delay(shocks.delay, point.deal_delay_mean, risk.max_delay)
        out["deal_start"] = start
        out["deal_delay_mean"] = np.zeros_like(start)
    if shocks.survival is not None:
        q = point.deal_survival
        with np.errstate(divide="ignore", invalid="ignore"):
            years = np.ceil(np.log(shocks.survival) / np.log(q))
        lifetime = np.where(q >= 1.0, np.inf, np.fmax(1.0, years))  # alive for k < lifetime
        out["deal_end"] = np.minimum(point.deal_end, start + lifetime - 1.0)
        out["deal_survival"] = np.ones_like(q)
    return out
