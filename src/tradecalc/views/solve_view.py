"""The view of `tradecalc solve`: the value found, the measure it gives, where it searched."""

from __future__ import annotations

from tradecalc.analysis.goalseek import Solution
from tradecalc.views.render import View
from tradecalc.views.words import percent, usd


def solution_view(solution: Solution) -> View:
    """What the goal seek found: the value, the measure it gives, where it searched."""
    sol, name = solution, solution.scenario
    measure = f"{usd(sol.measure_at_by_year_usd_m)} US$ m" if sol.reached else "n/a"
    value = "none in range" if sol.value is None else f"{sol.value:.6g}"
    headline = [
        ("Scenario", name),
        ("Parameter", sol.param),
        (
            "Searched",
            f"[{sol.low:g}, {sol.high:g}] for the "
            + ("measure" if sol.metric == "measure" else "probability")
            + f" reaching the target in {sol.by_year}",
        ),
        ("Value", value),
        (f"Measure in {sol.by_year}", measure),
    ]
    if sol.probability is not None:
        headline.append(("Probability", percent(sol.probability)))
    if sol.value_if_certain is not None:
        headline.append(("Value if certain", f"{usd(sol.value_if_certain)} US$ m a year"))
    if sol.note:
        headline.append(("Note", sol.note))
    style = "bold green" if sol.reached else "bold red"
    return View(heading=f"Goal seek on {name}", headline=headline, headline_styles={"Value": style})
