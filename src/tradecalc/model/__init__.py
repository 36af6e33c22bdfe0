"""Pure numpy functions, one per equation of the tradecalc model (methods.md sections 1-11).

Every function takes scalars or arrays and broadcasts, so the same code serves one
projection and a million Monte Carlo draws. Nothing here reads files, prints or draws
random numbers: Monte Carlo pieces take pre-drawn uniforms or standard normals.
"""

from tradecalc.model.backtest import (
    band_coverage,
    inside_band,
    log_error,
    mean_absolute_log_error,
    rescale_to_total,
)
from tradecalc.model.baseline import baseline_value
from tradecalc.model.deal_risk import deal_alive, poisson_delay, two_piece_lognormal
from tradecalc.model.deals import deal_ramp, expected_deal_path
from tradecalc.model.response import RESPONSE_PROFILES, response_share
from tradecalc.model.shapley import shapley_split_levers
from tradecalc.model.smart import (
    SmartEffects,
    smart_consumer_surplus,
    smart_creation,
    smart_diversion,
    smart_diversion_first_order,
    smart_effects,
    smart_tariff_revenue_change,
)
from tradecalc.model.target import gap, reached_year_index, required_cagr
from tradecalc.model.tariffs import (
    pta_full_ratio,
    pta_multiplier,
    staged_tariff,
    staging,
    tariff_change_multiplier,
    tariff_exponent,
    tariff_ratio,
)
from tradecalc.model.transit import ave_multiplier, semi_elasticity_multiplier
from tradecalc.model.uncertainty import level_shock_factor, shock_sd_from_history

__all__ = [
    "RESPONSE_PROFILES",
    "SmartEffects",
    "ave_multiplier",
    "band_coverage",
    "baseline_value",
    "deal_alive",
    "deal_ramp",
    "expected_deal_path",
    "gap",
    "inside_band",
    "level_shock_factor",
    "log_error",
    "mean_absolute_log_error",
    "poisson_delay",
    "pta_full_ratio",
    "pta_multiplier",
    "reached_year_index",
    "required_cagr",
    "rescale_to_total",
    "response_share",
    "semi_elasticity_multiplier",
    "shapley_split_levers",
    "shock_sd_from_history",
    "smart_consumer_surplus",
    "smart_creation",
    "smart_diversion",
    "smart_diversion_first_order",
    "smart_effects",
    "smart_tariff_revenue_change",
    "staged_tariff",
    "staging",
    "tariff_change_multiplier",
    "tariff_exponent",
    "tariff_ratio",
    "two_piece_lognormal",
]
