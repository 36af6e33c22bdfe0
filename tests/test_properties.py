"""Invariants of the model, checked on generated scenarios (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tradecalc.engine.evaluate import compile_scenario, evaluate
from tradecalc.model import (
    ave_multiplier,
    baseline_value,
    response_share,
    semi_elasticity_multiplier,
    staged_tariff,
    staging,
    tariff_change_multiplier,
    tariff_ratio,
)
from tradecalc.scenario.models import Scenario

fractions = st.floats(0.0, 1.0)
tariffs = st.floats(0.0, 0.5)


@st.composite
def scenarios(draw):
    flows = [
        {
            "direction": d,
            "sector": s,
            "value_usd_m": draw(st.floats(0.0, 100.0)),
            "growth": draw(st.floats(-0.5, 0.5)),
            "category": draw(st.sampled_from(["goods", "energy", "defence"])),
        }
        for d, s in [("pak_to_aze", "textiles"), ("aze_to_pak", "chemicals")]
    ]
    mfn = draw(tariffs)
    data = {
        "name": "generated",
        "base_year": 2023,
        "horizon": 2035,
        "target": {"value_usd_m": 2000.0, "by_year": 2030},
        "elasticities": {"default": draw(st.floats(0.5, 8.0))},
        "baseline": {"flows": flows},
        "pta": {
            "start_year": draw(st.integers(2023, 2035)),
            "phase_in_years": draw(st.integers(1, 5)),
            **draw(
                st.sampled_from(
                    [
                        {},  # yotov2016, the default
                        {"response": "immediate"},
                        {"response": "linear", "response_years": 3},
                        {"response_years": 2},  # a version-1 file: linear
                    ]
                )
            ),
            "utilization": draw(fractions),
            "lines": [
                {
                    "direction": "pak_to_aze",
                    "sector": "textiles",
                    "coverage": draw(fractions),
                    "mfn_tariff": mfn,
                    "preferential_tariff": draw(st.floats(0.0, mfn)),
                }
            ],
        },
        "tariff_changes": [
            {
                "name": "T",
                "direction": "pak_to_aze",
                "sector": "textiles",
                "coverage": draw(fractions),
                "tariff_before": draw(tariffs),
                "tariff_after": draw(tariffs),  # a cut or an increase
                "year": draw(st.integers(2023, 2035)),
                "phase_in_years": draw(st.integers(1, 3)),
            }
        ],
        "tta": {
            "start_year": draw(st.integers(2023, 2035)),
            "transit_days_before": 21.0,
            "transit_days_after": draw(st.floats(0.0, 42.0)),  # faster or slower
            "route_share": draw(fractions),
            "method": draw(st.sampled_from(["semi_elasticity", "ave"])),
        },
        "deals": [
            {
                "name": "D",
                "direction": "aze_to_pak",
                "sector": "energy",
                "category": "energy",
                "value_usd_m": draw(st.floats(0.0, 1000.0)),
                "start_year": draw(st.integers(2023, 2035)),
                "ramp_years": draw(st.integers(1, 6)),
                "ramp": draw(st.sampled_from(["linear", "logistic"])),
                "probability": draw(fractions),
            }
        ],
    }
    return Scenario.model_validate(data)


def run(scenario: Scenario, **changes):
    layout, params = compile_scenario(scenario)
    return layout, evaluate(layout, params.replace(**changes) if changes else params)


def product_form(scenario: Scenario, flow_index: int, year: int) -> float:
    """base * m_pta * m_tc * m_tta for one flow and year, by scalar loops over methods.md 1-4."""
    s, f = scenario, scenario.baseline.flows[flow_index]
    theta = s.elasticities.default
    epsilon = theta + 1  # methods.md 2: customs values are pre-duty
    base = baseline_value(f.value_usd_m, f.growth, year - s.base_year)
    full = 1.0
    for line in s.pta.lines:
        if (line.direction, line.sector) == (f.direction, f.sector):
            tariff = staged_tariff(
                line.mfn_tariff,
                line.preferential_tariff,
                staging(year, s.pta.start_year, s.pta.phase_in_years),
            )
            ratio = tariff_ratio(tariff, line.mfn_tariff, epsilon)
            full += line.coverage * s.pta.utilization * (ratio - 1.0)
    share = response_share(year - s.pta.start_year, s.pta.response_profile, s.pta.response_years)
    m_pta = full**share
    m_tc = 1.0
    for c in s.tariff_changes:
        if (c.direction, c.sector) == (f.direction, f.sector):
            m_tc *= tariff_change_multiplier(
                year, c.year, c.tariff_before, c.tariff_after, c.coverage, epsilon, c.phase_in_years
            )
    t = s.tta
    if t.method == "ave":
        m_full = ave_multiplier(t.transit_days_before, t.transit_days_after, theta, t.route_share)
    else:
        m_full = semi_elasticity_multiplier(
            t.transit_days_before, t.transit_days_after, t.route_share
        )
    m_tta = 1.0 + (m_full - 1.0) * staging(year, t.start_year, t.phase_in_years)
    return float(base * m_pta * m_tc * m_tta)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_components_add_up_to_the_product_form(scenario):
    layout, c = run(scenario)
    parts = c.flows()  # (1, F, Y): the three-lever Shapley split of methods.md section 4
    for f in range(len(scenario.baseline.flows)):
        for j, year in enumerate(layout.years):
            assert parts[0, f, j] == pytest.approx(
                product_form(scenario, f, int(year)), rel=1e-9, abs=1e-9
            )
    assert_allclose(c.total(), parts.sum(axis=1) + c.deals.sum(axis=1))


@settings(max_examples=150, deadline=None)
@given(
    scenarios(), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 21.0), st.floats(0.0, 1.0)
)
def test_more_of_a_lever_never_lowers_trade(scenario, cut, utilization, days, probability):
    layout, params = compile_scenario(scenario)
    before = evaluate(layout, params).total()

    def at_least(**changes):
        after = evaluate(layout, params.replace(**changes)).total()
        assert np.all(after >= before - 1e-9 * np.abs(before))

    # a deeper cut: a lower preferential tariff
    at_least(line_preferential=params.line_preferential * (1 - cut))
    # higher utilisation
    at_least(utilization=np.maximum(params.utilization, utilization))
    # more days saved
    at_least(days_after=np.minimum(params.days_after, days))
    # a higher deal probability
    at_least(deal_weight=np.maximum(params.deal_weight, probability))


@settings(max_examples=100, deadline=None)
@given(scenarios(), st.floats(0.0, 1.0), st.floats(0.0, 30.0))
def test_a_tariff_increase_or_a_slower_route_never_raises_trade(scenario, rise, extra_days):
    layout, params = compile_scenario(scenario)
    before = evaluate(layout, params).total()

    def at_most(**changes):
        after = evaluate(layout, params.replace(**changes)).total()
        assert np.all(after <= before + 1e-9 * np.abs(before))

    at_most(change_after=params.change_after + rise)  # a higher tariff after the change
    at_most(days_after=params.days_after + extra_days)  # a slower route


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_no_levers_equals_the_baseline(scenario):
    bare = scenario.model_copy(update={"pta": None, "tta": None, "deals": [], "tariff_changes": []})
    _, c = run(bare)
    assert np.all(c.pta == 0) and np.all(c.tta == 0) and c.deals.shape[1] == 0
    assert np.all(c.tariff_changes == 0)
    years = np.arange(2023, 2036) - 2023
    expected = sum(f.value_usd_m * (1 + f.growth) ** years for f in scenario.baseline.flows)
    assert_allclose(c.total()[0], expected)


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_levers_with_no_effect_equal_the_baseline(scenario):
    layout, params = compile_scenario(scenario)
    neutral = params.replace(
        utilization=np.zeros(1),
        route_share=np.zeros(1),
        deal_weight=np.zeros((1, 1)),
        change_coverage=np.zeros((1, 1)),
    )
    c = evaluate(layout, neutral)
    assert_allclose(c.total(), c.baseline.sum(axis=1))
