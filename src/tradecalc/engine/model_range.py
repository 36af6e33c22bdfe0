"""The headline's model range: P(reached by the deadline) under each shock model the tool
offers, so that the Monte Carlo error is not mistaken for the uncertainty (methods.md 8.3).

The models, each the scenario with one setting of ``uncertainty`` changed:

- ``posterior``: the scenario as written (``shock_sd: from_history``: the record shrunk toward
  the panel's size class, methods.md 8.2, the sd drawn from its posterior in every draw);
- ``fixed_sd``: the sd fixed at its estimate (the posterior scale ``s_n``), not drawn;
- ``own_record``: the record alone, no prior (``shock_pooling: none``);
- ``ar1``: shocks that fade (``shock_model: ar1``, rho as the scenario gives it).

A scenario whose shock sd is a given number has only that model and the AR(1) one.
"""

from __future__ import annotations

from typing import Any

MODELS = {
    "posterior": "record and the panel's size class, sd drawn (as written)",
    "fixed_sd": "sd fixed at its estimate",
    "own_record": "own record only, no prior",
    "ar1": "AR(1): shocks that fade",
}
DRAWS = 2_000
MOST = 8_000
"""Draws of each model at most: the range is about models, not the last digit."""


def variants(scenario) -> dict[str, Any]:
    """The scenario under each model of :data:`MODELS` that applies to it."""
    from tradecalc.engine.shock_estimate import shock_estimate

    u = scenario.uncertainty
    if u is None:
        return {}

    def changed(**update):
        return scenario.model_copy(update={"uncertainty": u.model_copy(update=update)})

    out = {"posterior": scenario}
    if u.shock_sd == "from_history":
        out["fixed_sd"] = changed(shock_sd=shock_estimate(scenario).sd)
        out["own_record"] = changed(shock_pooling="none")
    out["ar1"] = changed(shock_model="ar1")
    if u.shock_model == "ar1":
        del out["ar1"]
    return out


def model_range(scenario, seed: int = 0, first=None) -> list[dict[str, Any]]:
    """Per model: its name, words, P(reached by the deadline) with its error, or the bound it
    is quoted as when not resolved at :data:`MOST` draws (JSON ``odds.model_range``).
    ``first``: the scenario's own :class:`~tradecalc.engine.odds.Odds`, if already run."""
    from tradecalc.engine.odds import quote, scenario_odds

    rows = []
    for name, variant in variants(scenario).items():
        given = first if name == "posterior" and first is not None else None
        odds = given or scenario_odds(variant, DRAWS, seed, most=MOST)
        value, below = quote(odds.probability, odds.probability_se, odds.draws)
        rows.append(
            {
                "model": name,
                "words": MODELS[name],
                "probability": odds.probability,
                "probability_se": odds.probability_se,
                "quoted": value,
                "below": below,
                "draws": odds.draws,
                "shock_sd": (odds.shock or {}).get("sd"),
            }
        )
    return rows
