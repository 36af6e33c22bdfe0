"""The annual shock sd of a scenario: measured around the projection's growth, shrunk toward
the prior of pairs of its size in a trade panel, with its posterior (methods.md 8 and 8.2).

``shock_sd: from_history`` takes the year-on-year log changes of the baseline reporter's
calendar-year totals, measures them around the log growth of the scenario's own baseline
(known centre, divisor n), and (``shock_pooling: panel``, the default) shrinks them toward the
size class's prior: the panel's annual log changes that start within a factor 2 of the
scenario's customs-comparable base (:mod:`tradecalc.panel.class_prior`, empirical Bayes across
the class's pairs). The posterior of the variance is a scaled inverse chi-square; the Monte
Carlo draws the sd from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tradecalc.model.uncertainty import shock_variance_posterior, squared_deviations
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.terms import CUSTOMS_CATEGORIES, yearly_log_changes


@dataclass(frozen=True)
class ShockEstimate:
    """The annual shock of a scenario, as the draws use it.

    ``sd`` is the number reported: the given ``shock_sd``, or for ``from_history`` the
    posterior scale :math:`s_n` (the own estimate shrunk toward the panel). ``posterior_df``
    is None when the sd is a given number (no draws of it); ``rho`` is 1 for the random walk.
    """

    model: str
    rho: float
    sd: float
    years: tuple[int, int] | None = None
    own_sd: float | None = None
    changes: int = 0
    centre: float | None = None
    prior_sd: float | None = None
    prior_df: float = 0
    posterior_df: float | None = None
    panel: tuple[str, ...] = ()
    prior_source: dict[str, Any] | None = None  # size_class: the panel, band, changes, pairs

    @property
    def variance(self) -> float:
        return self.sd**2

    def to_dict(self) -> dict[str, Any]:
        """The JSON ``shock`` object (scenario-format.md)."""
        numbers = {
            k: v for k, v in vars(self).items() if k not in ("years", "panel", "prior_source")
        }
        return {
            **numbers,
            "years": None if self.years is None else list(self.years),
            "panel": list(self.panel),
            "prior_source": self.prior_source,
        }

    def words(self) -> str:
        """``random walk`` or ``AR(1), rho 0.5``: the shock model in words."""
        return "random walk" if self.model == "random_walk" else f"AR(1), rho {self.rho:g}"


def centre_growth(scenario: Scenario) -> float:
    """The log growth a year of the scenario's customs-comparable baseline (all flows when
    none is customs-comparable): the centre the record's changes are measured around."""
    flows = [f for f in scenario.baseline.flows if f.category in CUSTOMS_CATEGORIES]
    flows = flows or list(scenario.baseline.flows)
    now = sum(f.value_usd_m for f in flows)
    after = sum(f.value_usd_m * (1.0 + f.growth) for f in flows)
    return math.log(after / now) if now > 0 and after > 0 else 0.0


def shock_estimate(scenario: Scenario, until: int | None = None) -> ShockEstimate:
    """The :class:`ShockEstimate` of a scenario; ``until`` keeps only records up to that year,
    the panel's too (the rolling back-test's origin: out of sample)."""
    u = scenario.uncertainty
    model = "random_walk" if u is None else u.shock_model
    rho = 1.0 if u is None or model == "random_walk" else float(u.shock_rho)
    if u is None or u.shock_sd != "from_history":
        return ShockEstimate(model, rho, 0.0 if u is None else float(u.shock_sd))
    record = [(y, v) for y, v in scenario.calendar_record() if until is None or y <= until]
    changes = yearly_log_changes([(y, v) for y, v in record if v > 0])
    centre = centre_growth(scenario)
    ss, n = squared_deviations([c for _, c in changes], centre)
    prior_var, prior_df, source = 0.0, 0.0, None
    panel: tuple[str, ...] = ()
    if u.shock_pooling == "panel":
        prior = size_class_prior(scenario, until)
        source, panel = prior.source(), (prior.label,)
        if prior.sd is not None:
            prior_var, prior_df = prior.sd**2, prior.df
    nu, posterior_var = shock_variance_posterior(ss, n, prior_var, prior_df)
    used = sorted({y for y, _ in changes} | {y - 1 for y, _ in changes})
    return ShockEstimate(
        model,
        rho,
        math.sqrt(posterior_var) if nu > 0 else 0.0,
        years=(used[0], used[-1]) if used else None,
        own_sd=math.sqrt(ss / n) if n else None,
        changes=n,
        centre=centre,
        prior_sd=math.sqrt(prior_var) if prior_df else None,
        prior_df=prior_df,
        posterior_df=nu if nu > 0 else None,
        panel=panel,
        prior_source=source,
    )


def size_class_prior(scenario: Scenario, until: int | None = None):
    """The prior of pairs of the scenario's size (its customs-comparable baseline in the base
    year, within a factor 2) in the panel the scenario would use (``--panel`` rules: the first
    stored panel, else the shipped AGTPA), from changes that ended by ``until`` (methods.md
    8.2); :class:`~tradecalc.panel.class_prior.ClassPrior`, cached."""
    from tradecalc.panel.catalog import resolve
    from tradecalc.panel.class_prior import class_prior

    flows = [f for f in scenario.baseline.flows if f.category in CUSTOMS_CATEGORIES]
    base = sum(f.value_usd_m for f in flows or scenario.baseline.flows)
    return class_prior(resolve(None), base, 2.0, until)
