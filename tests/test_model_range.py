"""The headline's model range (issue 26 item 5): P(reached by the deadline) under each shock
model the tool offers, engine side (engine.model_range); the JSON wiring comes with the
outputs' rework."""

from __future__ import annotations

import pytest
from tests.conftest import ROOT, TOY

from tradecalc import load_scenario
from tradecalc.engine.model_range import MODELS, model_range, variants
from tradecalc.engine.odds import scenario_odds


@pytest.fixture
def base(panel_store):
    return load_scenario(ROOT / "scenarios" / "base.yaml")


def test_every_model_for_a_record_and_two_for_a_given_sd(base, write):
    assert list(variants(base)) == list(MODELS)
    toy = load_scenario(write(TOY + "uncertainty: {shock_sd: 0.3, assumption: toy}\n"))
    assert list(variants(toy)) == ["posterior", "ar1"]


def test_each_model_is_the_scenario_with_one_setting_changed(base):
    got = variants(base)
    u = {name: s.uncertainty for name, s in got.items()}
    posterior_sd = scenario_odds(base).shock["sd"]
    assert u["fixed_sd"].shock_sd == posterior_sd  # the posterior scale s_n, no longer drawn
    assert u["own_record"].shock_pooling == "none"
    assert u["ar1"].shock_model == "ar1"
    assert all(s.deals == base.deals and s.target == base.target for s in got.values())


def test_the_range_spans_the_models_and_the_record_alone_is_widest(base):
    """Base case: the record alone (sd 0.435, 4 changes: a heavy-tailed posterior) gives higher
    odds than the record shrunk toward the size class (0.385), and fixing the sd (no doubt
    about it) far lower: the range is a factor of hundreds; the Monte Carlo error an eighth."""
    rows = {r["model"]: r for r in model_range(base)}
    assert rows["posterior"]["probability"] == scenario_odds(base).probability
    assert rows["own_record"]["probability"] > 2 * rows["posterior"]["probability"]
    assert rows["fixed_sd"]["probability"] < rows["posterior"]["probability"] / 10
    for row in rows.values():  # each quoted as a number or a bound, never both
        assert (row["quoted"] is None) != (row["below"] is None)
