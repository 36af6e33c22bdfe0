"""Goal seek: the value of one parameter at which the target is just reached (methods.md 9)."""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tradecalc.core.errors import fail, usage_error
from tradecalc.engine.evaluate import compile_scenario, evaluate_measure
from tradecalc.engine.montecarlo import measure_draws
from tradecalc.engine.verdict import check_finite, deadline_index
from tradecalc.scenario.models import Scenario
from tradecalc.scenario.overrides import NumberField, Override, number_field
from tradecalc.scenario.pipeline import read_merged_tree, validate_with_overrides
from tradecalc.scenario.yamlread import Doc

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
    value_if_certain: float | None = None
    """For a deal's value or probability under ``metric="measure"`` when the deal's
    probability is below 1: the value the same deal needs when certain (probability 1)."""
    scenario: str = field(default="", compare=False)
    """The scenario searched, as named (the views' heading; not part of the JSON)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `tradecalc solve`."""
        return {k: v for k, v in vars(self).items() if k != "scenario"}

    @property
    def columns(self) -> tuple[str, ...]:
        """The CSV columns: the JSON keys."""
        return tuple(self.to_dict())

    def rows(self) -> list[dict[str, Any]]:
        """The one CSV row."""
        return [self.to_dict()]

    @property
    def frame(self) -> Any:
        """One-row pandas DataFrame of the solution."""
        import pandas as pd

        return pd.DataFrame.from_records(self.rows(), columns=list(self.columns))


def solve_scenario(
    source: str | os.PathLike,
    param: str,
    low: float | None = None,
    high: float | None = None,
    *,
    overrides: Sequence[Override] = (),
    text: str | None = None,
    warn: Callable[[Doc, Sequence[Override]], None] | None = None,
    **search: Any,
) -> Solution:
    """:func:`solve_tree` on a scenario file (``"-"``: ``text``) with its overrides; ``warn`` is
    called with the tree and the overrides before the search (plausibility warnings).
    ``search``: ``metric``, ``at``, ``draws``, ``seed`` as :func:`solve_tree`'s."""
    tree = read_merged_tree(source, text)
    if warn is not None:
        warn(tree, overrides)
    found = solve_tree(tree, param, low, high, overrides=overrides, **search)
    return dataclasses.replace(found, scenario=str(source))


def solve_tree(
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
    scenario = validate_with_overrides(tree, overrides)[0]
    number = number_field(parts)
    if number is None:
        fail(label, None, param, "must name a number in the scenario, e.g. pta.utilization")
    low, high = _bracket(parts, number, scenario, low, high)
    value_range = _deal_value_range(parts, scenario)
    trials = _Trials(tree, overrides, param, number.integral, value_range, metric, at, draws, seed)
    step = 1.0 / draws if metric == "probability" else None
    value, note = _bisect(lambda x: trials.score(x)[0], low, high, number.integral, step)
    if value is None:
        return Solution(param, None, False, scenario.by_year, None, low, high, metric, None, note)
    return _solution(trials, value, low, high, note)


@dataclass
class _Trials:
    """The scenario with the parameter at a trial value, and how far past the target it gets.

    With ``metric="probability"`` every trial reuses the same random draws (common random
    numbers, drawn once into ``shocks``), and the last trial's measure when only the target
    moved (``last``: the scenario without its target, and its measure).
    """

    tree: Doc
    overrides: Sequence[Override]
    param: str
    integral: bool
    value_range: tuple
    """(path, range, value) of a deal's value range, which moves with the value, from
    :func:`_deal_value_range`; three Nones for any other parameter."""
    metric: str
    at: float
    draws: int
    seed: int
    shocks: dict = field(default_factory=dict)
    last: list = field(default_factory=list)

    @property
    def label(self) -> str:
        """How errors and overrides name the parameter: ``--param NAME``."""
        return f"--param {self.param}"

    def scenario(self, x) -> Scenario:
        """The scenario with the parameter at ``x`` (rounded for a whole number)."""
        value = round(x) if self.integral else float(x)
        parts, label = tuple(self.param.split(".")), self.label
        changes = [Override(parts, value, f"{label}={value}")]
        range_path, range_now, value_now = self.value_range
        if range_path is not None:  # the value's range moves with it, in proportion
            scaled = [v * value / value_now for v in range_now]
            changes.append(Override(range_path, scaled, f"{label}={value}"))
        return validate_with_overrides(self.tree, [*self.overrides, *changes])[0]

    def score(self, x) -> tuple[float, float]:
        """(how far past the target, the measure at the deadline); past >= 0 means reached."""
        s = self.scenario(x)
        j = deadline_index(s)
        where = f"{self.label}={x:g}"
        if self.metric == "probability":
            m = self._draws_of(s, where)
            share = float((m[:, j] >= s.target.value_usd_m).mean())
            return share - self.at, float(m[:, j].mean())
        layout, params = compile_scenario(s)
        m = evaluate_measure(layout, params)
        check_finite(m, where)
        return float(m[0, j]) - s.target.value_usd_m, float(m[0, j])

    def _draws_of(self, s: Scenario, where: str):
        """The measure of every draw; the last trial's when only the target moved."""
        target = s.target.model_copy(update={"value_usd_m": 0.0})  # what counts stays
        key = s.model_copy(update={"target": target, "by_year": None}).model_dump()
        if self.last and self.last[0] == key:
            return self.last[1]
        _, m = measure_draws(s, self.draws, self.seed, where=where, cache=self.shocks)
        self.last[:] = [key, m]
        return m


def _solution(trials: _Trials, value: float | int, low: float, high: float, note: str) -> Solution:
    """The answer at ``value``, with what the notes must add: what a certain deal would need
    (for a deal's value or probability) and that a value range moved along."""
    param, metric = trials.param, trials.metric
    found = trials.scenario(value)
    past, measure = trials.score(value)
    probability = past + trials.at if metric == "probability" else None
    certain = None
    if metric == "measure":
        certain, scaled = _certain_deal(tuple(param.split(".")), found)
        note = "; ".join(n for n in (note, scaled) if n)
    if trials.value_range[0] is not None:
        moved = "its value range was scaled with it"
        note = "; ".join(n for n in (note, moved) if n)
    return Solution(
        param, value, True, found.by_year, measure, low, high, metric, probability, note, certain
    )


def _deal_value_range(parts: tuple[str, ...], scenario: Scenario):
    """For a deal's ``value_usd_m`` with a ``value_range_usd_m``: its path, range and value."""
    if len(parts) != 3 or parts[0] != "deals" or parts[2] != "value_usd_m":
        return None, None, None
    dump = scenario.model_dump()
    path = (*parts[:-1], "value_range_usd_m")
    found = Override(path, None, "").current(dump)
    value = Override(parts, None, "").current(dump)
    if found is None or not value:
        return None, None, None
    return path, list(found), value


def _certain_deal(parts: tuple[str, ...], found: Scenario) -> tuple[float | None, str]:
    """The value a certain deal needs, and the note, when the answer is a deal's value or
    probability below 1 (methods.md 9: the expected path counts ``p * V``)."""
    if len(parts) != 3 or parts[0] != "deals" or parts[2] not in ("value_usd_m", "probability"):
        return None, ""
    dump = found.model_dump()
    p = Override((*parts[:-1], "probability"), None, "").current(dump)
    value = Override((*parts[:-1], "value_usd_m"), None, "").current(dump)
    if p is None or value is None or p >= 1.0:
        return None, ""
    certain = p * value
    if parts[2] == "value_usd_m":
        text = (
            f"scaled by 1/p: the expected path counts this deal at its probability {p:g} "
            f"(p x value); a certain deal would need {certain:,.1f}"
        )
    else:
        text = (
            f"the expected path counts the deal as probability x value; it either happens or "
            f"not: a certain deal (probability 1) would need a value of {certain:,.1f}"
        )
    return certain, text


def _bracket(
    parts: tuple[str, ...], field: NumberField, scenario: Scenario, low, high
) -> tuple[float, float]:
    """The search range: as given, else a default for the field, inside its allowed bounds."""
    s, name = scenario, parts[-1]
    dump = scenario.model_dump()
    current = Override(parts, None, "").current(dump)
    if not isinstance(current, int | float) or isinstance(current, bool):
        current = None  # e.g. `shock_sd: from_history`: the search starts from the field's range
    scale = 10.0 * max(abs(current or 0.0), 1.0)
    if name == "growth":
        default = (-0.5, 5.0)
    elif name == "by_year":
        default = (s.base_year + 1, s.horizon)
    elif name == "end_year":
        default = (Override((*parts[:-1], "start_year"), None, "").current(dump), s.horizon)
    elif name == "horizon":
        default = (s.by_year, s.base_year + 100)
    elif name == "transit_days_before" and s.tta is not None:
        default = (s.tta.transit_days_after, 10.0 * max(s.tta.transit_days_before, 1.0))
    elif name.endswith("_year") or name == "base_year":
        default = (s.base_year, s.horizon)
    elif name.endswith("_years"):
        default = (1, s.horizon - s.base_year + 1)
    elif name == "transit_days_after" and s.tta is not None:
        default = (0.0, s.tta.transit_days_before)
    elif name == "preferential_tariff":
        default = (0.0, Override((*parts[:-1], "mfn_tariff"), None, "").current(dump))
    elif name == "deal_value_scale":
        default = (0.0, 100.0)
    elif name.endswith("_usd_m"):
        default = (0.0, 10.0 * max(abs(current or 0.0), s.target.value_usd_m))
    else:
        default = (-scale, scale)
    for option, given in (("--low", low), ("--high", high)):
        if given is not None and not math.isfinite(given):
            fail(option, None, "", f"must be a finite number, got {given:g}")
    step = 1 if field.integral else 1e-9
    if field.low is not None:
        default = (max(default[0], field.low + (step if field.low_open else 0)), default[1])
    if field.high is not None:
        default = (default[0], min(default[1], field.high - (step if field.high_open else 0)))
    low = default[0] if low is None else low
    high = default[1] if high is None else high
    if not low < high:
        usage_error("--low/--high", f"need low < high, got {low:g} and {high:g}")
    return low, high


def _bisect(
    f: Callable[[float], float],
    low: float,
    high: float,
    integral: bool,
    step: float | None = None,
):
    """The point where ``f`` (monotone, either way) crosses 0, or None with a note.

    ``step``: ``f`` moves in steps of this size (a simulated probability: 1/draws). The
    search then stops once ``f`` differs by at most one step across the bracket (one draw
    changes sides in it: a narrower bracket would not say more about the probability), and
    the note states that precision.
    """
    f_low, f_high = f(low), f(high)
    if f_low < 0 and f_high < 0:
        return None, f"not reached anywhere in [{low:g}, {high:g}]"
    if f_low >= 0 and f_high >= 0:
        end = low if f_low <= f_high else high
        return end, f"reached across the whole range [{low:g}, {high:g}]; closest end given"
    below, above = (low, high) if f_low < 0 else (high, low)  # f(below) < 0 <= f(above)
    f_below, f_above = min(f_low, f_high), max(f_low, f_high)
    for _ in range(MAX_STEPS):
        if integral and abs(above - below) <= 1:
            return round(above), ""
        if step is not None and f_above - f_below <= step * (1 + 1e-9):
            return above, (
                f"precision: the simulated probability moves in steps of 1/draws ({step:g}); "
                f"it crosses the goal between {min(below, above):.6g} and "
                f"{max(below, above):.6g}, where one draw "
                "changes sides (search stopped there)"
            )
        if not integral and abs(above - below) <= 1e-12 * max(1.0, abs(above)):
            return above, ""
        middle = (below + above) / 2
        value = f(middle)
        if value >= 0:
            above, f_above = middle, value
        else:
            below, f_below = middle, value
    return above, ""
