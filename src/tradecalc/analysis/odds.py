"""The odds of a projection: P(target by its deadline) from the converged Monte Carlo, where
the chance comes from, and the P10-P90 band a chart draws (issue 9; apart from the projection)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tradecalc.core.numbers import probability_text
from tradecalc.scenario.models import Scenario

ODDS_DRAWS = 2_000
"""Draws the odds line of `project` starts with (grown while its probability is unresolved,
:func:`~tradecalc.engine.odds.scenario_odds`): one engine chunk, so it costs little."""
ODDS_SEED = 0
ODDS_METHOD = (
    "level shocks integrated exactly given the other draws (Rao-Blackwellised), the earlier "
    "years by importance sampling (methods.md 8.1)"
)

INFINITE_MEAN = (
    "no finite mean: the shock sd is drawn from its posterior, whose heavy tail makes the "
    "expected level infinite; the draws' mean does not converge and moves with the seed"
)


def odds_document(
    scenario: Scenario, draws: int = ODDS_DRAWS, seed: int = ODDS_SEED, central=None
) -> dict[str, Any] | None:
    """P(reached by the deadline) with its error, where it comes from, and P10/P50/P90, the
    mean and the central path of the measure in the deadline year (the JSON ``odds``).

    None when the scenario has no `uncertainty:` block. A probability not resolved (its
    standard error over a fifth of it, or under 0.001 %) is null, with ``..._below``, a
    bound. ``central``: the central path's counted flows and deals, if known.
    """
    if scenario.uncertainty is None:
        return None
    from tradecalc.engine.odds import quote, scenario_odds

    o = scenario_odds(scenario, draws, seed, central=central)
    shock_sd, shock_sd_years = o.shock_sd, o.shock_sd_years
    doc: dict[str, Any] = {"draws": o.draws, "seed": seed, "method": ODDS_METHOD}
    for key, p, se in (
        ("probability", o.probability, o.probability_se),
        ("probability_shocks_only", o.shocks_only, o.shocks_only_se),
        ("probability_without_shocks", o.without_shocks, o.without_shocks_se),
    ):
        value, below = quote(p, se, o.draws)
        name = "probability_by_year" if key == "probability" else key
        doc.update({name: value, f"{key}_se": se, f"{key}_below": below})
    doc["attribution_text"] = (
        attribution_text(doc, o) if shock_sd > 0 else "no level shocks: a plain share of the draws"
    )
    doc.update(
        {
            "central_path_at_by_year_usd_m": o.central_path,
            "p10_at_by_year_usd_m": o.percentiles[10],
            "p50_at_by_year_usd_m": o.percentiles[50],
            "p90_at_by_year_usd_m": o.percentiles[90],
            "mean_at_by_year_usd_m": o.mean,
            "mean_se": o.mean_se,
            "mean_finite": o.mean_finite,
            "mean_note": None if o.mean_finite else INFINITE_MEAN,
            **{f"p{q}_se": o.percentiles_se[q] for q in (10, 50, 90)},
            "shock_sd": shock_sd,
            "shock_sd_years": None if shock_sd_years is None else list(shock_sd_years),
            "shock": o.shock,
        }
    )
    return doc


def attribution_text(odds: dict[str, Any], o) -> str:
    """Where the odds come from, in one clause: P with the level shocks alone (everything
    else central) and with the deals and lever spreads alone (no level shocks); "mostly
    from" the one whose estimate is at least half of P while the other's is not."""

    def text(key: str) -> str:
        return probability_text(odds[key], odds[f"{key}_se"], odds[f"{key}_below"])

    p, shocks, deals = o.probability, o.shocks_only, o.without_shocks
    lead = "from both"
    if shocks >= p / 2 > deals:
        lead = "mostly from the shocks"
    elif deals >= p / 2 > shocks:
        lead = "mostly from the deals and levers"
    return (
        f"{lead}: {text('probability_shocks_only')} with the shocks alone, "
        f"{text('probability_without_shocks')} with the deals and levers alone"
    )


def odds_band(scenario: Scenario, odds: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """P10 and P90 of the measure by year from a Monte Carlo of the odds line's size and seed
    (its draws and seed): the band a projection chart draws.

    The deadline's figures are the odds line's (its shocks integrated exactly); this band,
    year by year, is the plain draws' of the same size and seed, which agree within their
    Monte Carlo error.
    """
    from tradecalc.engine.montecarlo import monte_carlo

    sim = monte_carlo(scenario, int(odds["draws"]), int(odds["seed"]))
    return np.asarray(sim.percentiles[10]), np.asarray(sim.percentiles[90])
