"""The annual shock sd of a scenario: measured around the projection's growth, shrunk toward
a panel of bilateral records, with its posterior (methods.md section 8).

``shock_sd: from_history`` takes the year-on-year log changes of the baseline reporter's
calendar-year totals, measures them around the log growth of the scenario's own baseline
(known centre, divisor n), and pools them with a panel: the series of the shipped reference
class (``data/target-outcomes.yaml``, other pairs only) and the scenario's other records (the
mirror series and any fetched reporter), each around its own mean. The posterior of the
variance is a scaled inverse chi-square; the Monte Carlo draws the sd from it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from tradecalc.model.uncertainty import (
    pooled_variance,
    shock_variance_posterior,
    squared_deviations,
)
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.terms import CUSTOMS_CATEGORIES, yearly_log_changes

REFERENCE_FILE = "data/target-outcomes.yaml"


@dataclass(frozen=True)
class PanelRecord:
    """One record of the pooling panel: its name, squared deviations from its own mean and
    degrees of freedom (changes - 1)."""

    name: str
    sum_of_squares: float
    df: int


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
    prior_df: int = 0
    posterior_df: float | None = None
    panel: tuple[str, ...] = ()

    @property
    def variance(self) -> float:
        return self.sd**2

    def to_dict(self) -> dict[str, Any]:
        """The JSON ``shock`` object (scenario-format.md)."""
        numbers = {k: v for k, v in vars(self).items() if k not in ("years", "panel")}
        return {
            **numbers,
            "years": None if self.years is None else list(self.years),
            "panel": list(self.panel),
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
    panel = panel_records(scenario, until) if u.shock_pooling == "panel" else []
    prior_var, prior_df = pooled_variance([r.sum_of_squares for r in panel], [r.df for r in panel])
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
        panel=tuple(r.name for r in panel),
    )


def panel_records(scenario: Scenario, until: int | None = None) -> list[PanelRecord]:
    """The pooling panel: the reference class's series of other pairs, then the scenario's
    records other than the baseline reporter's calendar years; those with 2 changes or more."""
    pair = set(scenario.codes)
    series: list[tuple[str, Sequence[tuple[int, float]]]] = [
        (name, record) for name, codes, record in reference_series() if set(codes) != pair
    ]
    groups: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for h in scenario.history:
        mine = h.reporter == scenario.reporter and h.period == "calendar"
        if h.period != "partial" and not mine:
            groups.setdefault((h.reporter, h.period), []).append((h.year, h.total_usd_m))
    series += [
        (f"{reporter} {period} (this scenario)", r) for (reporter, period), r in groups.items()
    ]
    out = []
    for name, record in series:
        kept = [(y, v) for y, v in record if v > 0 and (until is None or y <= until)]
        changes = np.array([c for _, c in yearly_log_changes(sorted(kept))])
        if len(changes) >= 2:
            ss = float(np.sum((changes - changes.mean()) ** 2))
            out.append(PanelRecord(name, ss, len(changes) - 1))
    return out


@lru_cache(maxsize=1)
def reference_series() -> tuple[tuple[str, tuple[str, ...], tuple[tuple[int, float], ...]], ...]:
    """``(name, pair, ((year, value), ...))`` of each reference-class case with a ``series:``."""
    from importlib.resources import files

    import yaml

    from tradecalc.scenario.yamlread import FastSafeLoader

    text = files("tradecalc").joinpath(REFERENCE_FILE).read_text(encoding="utf-8")
    out = []
    for case in yaml.load(text, Loader=FastSafeLoader)["cases"]:
        series = case.get("series")
        if series:
            values = tuple(sorted((int(y), float(v)) for y, v in series["usd_m"].items()))
            out.append(("-".join(case["pair"]) + " (reference class)", tuple(case["pair"]), values))
    return tuple(out)
