"""tradecalc: project bilateral trade toward a target, lever by lever, with sources.

In a notebook::

    import tradecalc
    p = tradecalc.project("scenarios/base.yaml")
    p.reached_year, p.required_cagr
    p.frame.groupby(["year", "component"]).value_usd_m.sum().unstack()

Names are imported on first use, so ``import tradecalc`` (and the command line's start-up)
costs little.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradecalc.analysis.projecting import project
    from tradecalc.analysis.projection import Projection
    from tradecalc.core.errors import Problem, ScenarioError, TradecalcError
    from tradecalc.scenario.models import Scenario
    from tradecalc.scenario.pipeline import load_scenario

_HOMES = {
    "Problem": "tradecalc.core.errors",
    "ScenarioError": "tradecalc.core.errors",
    "TradecalcError": "tradecalc.core.errors",
    "load_scenario": "tradecalc.scenario.pipeline",
    "Projection": "tradecalc.analysis.projection",
    "project": "tradecalc.analysis.projecting",
    "Scenario": "tradecalc.scenario.models",
}
__all__ = [
    "Problem",
    "Projection",
    "Scenario",
    "ScenarioError",
    "TradecalcError",
    "load_scenario",
    "project",
]


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    if name == "__version__":  # one source: the installed metadata (pyproject.toml's version)
        from tradecalc.core.about import version

        return version()
    raise AttributeError(f"module 'tradecalc' has no attribute {name!r}")
