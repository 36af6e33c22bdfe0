"""tradecalc: project bilateral trade toward a target, lever by lever, with sources.

In a notebook::

    import tradecalc
    p = tradecalc.project("scenarios/base.yaml")
    p.reached_year, p.required_cagr
    p.frame.groupby(["year", "component"]).value_usd_m.sum().unstack()
    tradecalc.simulate("scenarios/base.yaml", draws=10_000, seed=1).frame

One call per command, each returning the command's result (``.to_dict()``, ``.frame``,
``.rows()``): :func:`project`, :func:`simulate`, :func:`compare`, :func:`backtest`,
:func:`headroom`, :func:`sweep`, :func:`solve`, :func:`sensitivity`, :func:`panels`,
:func:`panel_series`, :func:`gravity_fit` and :func:`gravity_normal`; a path or a
:class:`Scenario` wherever one scenario is taken.

Names are imported on first use, so ``import tradecalc`` (and the command line's start-up)
costs little.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradecalc.analysis.comparison import Comparison
    from tradecalc.analysis.documents import (
        Backtest,
        Headroom,
        Sensitivity,
        SimulationResult,
        Sweep,
    )
    from tradecalc.analysis.goalseek import Solution
    from tradecalc.analysis.gravity_result import GravityFit, NormalLevel
    from tradecalc.analysis.library import (
        backtest,
        compare,
        gravity_fit,
        gravity_normal,
        headroom,
        panel_series,
        panels,
        sensitivity,
        simulate,
        solve,
        sweep,
    )
    from tradecalc.analysis.panels import PanelList, PanelSeries
    from tradecalc.analysis.projecting import project
    from tradecalc.analysis.projection import Projection
    from tradecalc.core.errors import Problem, ScenarioError, TradecalcError
    from tradecalc.scenario.models import Scenario
    from tradecalc.scenario.pipeline import load_scenario

_LIBRARY = "tradecalc.analysis.library"
_DOCUMENTS = "tradecalc.analysis.documents"
_HOMES = {
    "Problem": "tradecalc.core.errors",
    "ScenarioError": "tradecalc.core.errors",
    "TradecalcError": "tradecalc.core.errors",
    "load_scenario": "tradecalc.scenario.pipeline",
    "Scenario": "tradecalc.scenario.models",
    # the commands as calls, and the results they return
    "project": "tradecalc.analysis.projecting",
    "simulate": _LIBRARY,
    "compare": _LIBRARY,
    "backtest": _LIBRARY,
    "headroom": _LIBRARY,
    "sweep": _LIBRARY,
    "solve": _LIBRARY,
    "sensitivity": _LIBRARY,
    "panels": _LIBRARY,
    "panel_series": _LIBRARY,
    "gravity_fit": _LIBRARY,
    "gravity_normal": _LIBRARY,
    "Projection": "tradecalc.analysis.projection",
    "SimulationResult": _DOCUMENTS,
    "Comparison": "tradecalc.analysis.comparison",
    "Backtest": _DOCUMENTS,
    "Headroom": _DOCUMENTS,
    "Sweep": _DOCUMENTS,
    "Solution": "tradecalc.analysis.goalseek",
    "Sensitivity": _DOCUMENTS,
    "PanelList": "tradecalc.analysis.panels",
    "PanelSeries": "tradecalc.analysis.panels",
    "GravityFit": "tradecalc.analysis.gravity_result",
    "NormalLevel": "tradecalc.analysis.gravity_result",
}
__all__ = [
    "Backtest",
    "Comparison",
    "GravityFit",
    "Headroom",
    "NormalLevel",
    "PanelList",
    "PanelSeries",
    "Problem",
    "Projection",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "SimulationResult",
    "Solution",
    "Sweep",
    "TradecalcError",
    "backtest",
    "compare",
    "gravity_fit",
    "gravity_normal",
    "headroom",
    "load_scenario",
    "panel_series",
    "panels",
    "project",
    "sensitivity",
    "simulate",
    "solve",
    "sweep",
]


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    if name == "__version__":  # one source: the installed metadata (pyproject.toml's version)
        from tradecalc.core.about import version

        return version()
    raise AttributeError(f"module 'tradecalc' has no attribute {name!r}")
