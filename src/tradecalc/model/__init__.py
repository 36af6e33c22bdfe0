"""Pure numpy functions, one per equation of the tradecalc model (methods.md sections 1-7).

Every function takes scalars or arrays and broadcasts, so the same code serves one
projection and a million Monte Carlo draws. Nothing here reads files, prints or draws
random numbers.
"""

from tradecalc.model.baseline import baseline_value
from tradecalc.model.deals import linear_ramp, logistic_ramp
from tradecalc.model.shapley import shapley_split
from tradecalc.model.smart import smart_creation, smart_diversion
from tradecalc.model.target import gap, reached_year_index, required_cagr
from tradecalc.model.tariffs import ces_tariff_ratio, pta_effect, staged_tariff, staging
from tradecalc.model.transit import ave_multiplier, semi_elasticity_multiplier

__all__ = [
    "ave_multiplier",
    "baseline_value",
    "ces_tariff_ratio",
    "gap",
    "linear_ramp",
    "logistic_ramp",
    "pta_effect",
    "reached_year_index",
    "required_cagr",
    "semi_elasticity_multiplier",
    "shapley_split",
    "smart_creation",
    "smart_diversion",
    "staged_tariff",
    "staging",
]
