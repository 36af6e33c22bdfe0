"""Goal seek: the value of one parameter at which the target is just reached (methods.md 9)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tradecalc.engine import compile_scenario, evaluate_measure
from tradecalc.loading import Override, is_integer_field, resolve
from tradecalc.montecarlo import measure_draws
from tradecalc.scenario import Scenario
from tradecalc.yamlread import Doc, fail

FRACTIONS = {"probability", "utilization", "coverage", "route_share", "deal_value_scale"}
MAX_STEPS = 200


@dataclass(frozen=True)
class Solution:
    """What `tradecalc solve` found."""

    param: str
    value: float | int | None
    reached: bool
    by_year: int
    measure_at_by_year_usd_m: float | None
    low: float
    high: float
    metric: str
    probability: float | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def solve(
    tree: Doc,
    param: str,
    low: float | None = None,
    high: float | None = None,
    *,
    overrides: Sequence[Override] = (),
    metric: str = "measure",
    at: float = 0.5,
    draws: int = 10_000,
    seed: int = 0,
) -> Solution:
    """Find where the measure (or the simulated probability) just reaches the target.

    A bracketing search (bisection) on ``[low, high]``; the model is monotone in each
    parameter (a property the tests check), so the bracket holds at most one crossing.
    With ``metric="probability"`` every trial reuses the same random draws (common random
    numbers), so the probability changes only with the parameter.

    Raises ScenarioError when the parameter does not exist or a trial value is invalid.
    """
    label = f"--param {param}"
    parts = tuple(param.split("."))
    scenario = resolve(tree, overrides)[0]
    current = Override(parts, None, label).current(scenario.model_dump())
    if isinstance(current, bool) or not isinstance(current, int | float):
        fail(label, None, param, "must name a number in the scenario, e.g. pta.utilization")
    low, high = _bracket(parts[-1], current, scenario, low, high)
    integral = is_integer_field(parts)

    def trial(x) -> Scenario:
        value = round(x) if integral else float(x)
        return resolve(tree, [*overrides, Override(parts, value, f"{label}={value}")])[0]

    def score(s: Scenario) -> tuple[float, float]:
        """(how far past the target, the measure at the deadline); past >= 0 means reached."""
        j = s.by_year - s.base_year
        if metric == "probability":
            _, m = measure_draws(s, draws, seed)
            share = float((m[:, j] >= s.target.value_usd_m).mean())
            return share - at, float(m[:, j].mean())
        layout, params = compile_scenario(s)
        measure = float(evaluate_measure(layout, params)[0, j])
        return measure - s.target.value_usd_m, measure

    value, note = _bisect(lambda x: score(trial(x))[0], low, high, integral)
    if value is None:
        return Solution(param, None, False, scenario.by_year, None, low, high, metric, None, note)
    found = trial(value)
    past, measure = score(found)
    probability = past + at if metric == "probability" else None
    return Solution(
        param, value, True, found.by_year, measure, low, high, metric, probability, note
    )


def _bracket(name: str, current, scenario: Scenario, low, high) -> tuple[float, float]:
    """Default search range of a parameter, unless given."""
    if name in FRACTIONS:
        default = (0.0, 1.0) if name != "deal_value_scale" else (0.0, 100.0)
    elif name == "growth":
        default = (-0.5, 5.0)
    elif name == "transit_days_after" and scenario.tta is not None:
        default = (0.0, scenario.tta.transit_days_before)
    elif name.endswith("_year"):
        default = (scenario.base_year, scenario.horizon)
    else:
        default = (0.0, 10.0 * max(abs(current), scenario.target.value_usd_m))
    low = default[0] if low is None else low
    high = default[1] if high is None else high
    if not low < high:
        fail("--low/--high", None, "", f"need low < high, got {low:g} and {high:g}")
    return low, high


def _bisect(f: Callable[[float], float], low: float, high: float, integral: bool):
    """The point where ``f`` (monotone, either way) crosses 0, or None with a note."""
    f_low, f_high = f(low), f(high)
    if f_low < 0 and f_high < 0:
        return None, f"not reached anywhere in [{low:g}, {high:g}]"
    if f_low >= 0 and f_high >= 0:
        end = low if f_low <= f_high else high
        return end, f"reached across the whole range [{low:g}, {high:g}]; closest end given"
    below, above = (low, high) if f_low < 0 else (high, low)  # f(below) < 0 <= f(above)
    for _ in range(MAX_STEPS):
        if integral and abs(above - below) <= 1:
            return round(above), ""
        if not integral and abs(above - below) <= 1e-12 * max(1.0, abs(above)):
            return above, ""
        middle = (below + above) / 2
        if f(middle) >= 0:
            above = middle
        else:
            below = middle
    return above, ""
