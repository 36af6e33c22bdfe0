"""tradecalc: project bilateral trade toward a target, lever by lever, with sources.

In a notebook::

    import tradecalc
    p = tradecalc.project("scenarios/base.yaml")
    p.reached_year, p.required_cagr
    p.frame.groupby(["year", "component"]).value_usd_m.sum().unstack()
"""

from tradecalc.errors import Problem, ScenarioError, TradecalcError
from tradecalc.loading import load_scenario
from tradecalc.projection import Projection, project
from tradecalc.scenario import Scenario

__all__ = [
    "Problem",
    "Projection",
    "Scenario",
    "ScenarioError",
    "TradecalcError",
    "load_scenario",
    "project",
]
__version__ = "0.1.0"
