"""`tradecalc simulate` as a library call: the Monte Carlo of a scenario, with its record, as a
:class:`~tradecalc.analysis.documents.SimulationResult`."""

from __future__ import annotations

from collections.abc import Callable

from tradecalc.analysis.documents import SimulationResult
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.record import history_rows


def simulate_scenario(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    where: str = "",
) -> SimulationResult:
    """Percentiles of the measure and the odds of the target over ``draws`` draws of
    ``seed`` (:func:`tradecalc.engine.montecarlo.monte_carlo`); ``where`` names the file."""
    from tradecalc.engine.montecarlo import monte_carlo

    found = monte_carlo(scenario, draws, seed, progress, where=where)
    return SimulationResult(found.to_dict(), simulation=found, history=history_rows(scenario))
