"""The engine and Projection against hand-computed numbers on small scenarios."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from tests.conftest import TOY

from tradecalc import project
from tradecalc.engine.evaluate import Params, compile_scenario, evaluate

PTA = """\
pta:
  start_year: 2025
  utilization: 1.0
  response: immediate
  lines: [{direction: pak_to_aze, sector: textiles, coverage: 1.0, mfn_tariff: 0.15}]
elasticities: {default: 4.0}
"""
TTA = "tta: {start_year: 2025, transit_days_before: 21, transit_days_after: 14}\n"


def test_baseline_only(write):
    p = project(write(TOY))
    # hand-computed: 24.3 * 1.05**n + 2.7
    expected = 24.3 * 1.05 ** np.arange(8) + 2.7
    assert_allclose(p.total, expected)
    assert_allclose(p.measure, expected)
    assert p.reached_year is None
    assert p.required_cagr == pytest.approx(0.8497, abs=5e-5)  # methods.md section 7
    assert p.gap_at_by_year == pytest.approx(2000 - expected[-1])


def test_pta_check_value_through_the_engine(write):
    p = project(write(TOY + PTA))
    row = {r["year"]: r for r in p.years_rows}
    textiles_2025 = 24.3 * 1.05**2
    # methods.md check: theta 4 (tariff exponent 5), 15 % -> 0 gives +101.1 % on the covered flow
    assert row[2024]["pta_usd_m"] == 0.0
    assert row[2025]["pta_usd_m"] == pytest.approx(textiles_2025 * 1.0114, rel=1e-4)


def test_pta_staging_and_response_lag(write):
    text = TOY + PTA.replace(
        "response: immediate", "phase_in_years: 2\n  response: linear\n  response_years: 4"
    )
    p = project(write(text))
    pta = {r["year"]: r["pta_usd_m"] for r in p.years_rows}
    base = 24.3 * 1.05**2
    # hand-computed: 2025 tariff halfway (7.5 %), a quarter of the log effect (methods.md 2)
    half = (1.075 / 1.15) ** -5
    assert pta[2025] == pytest.approx(base * (half**0.25 - 1))
    full = 1.15**5 - 1
    assert pta[2028] == pytest.approx(24.3 * 1.05**5 * full)  # response complete in 2028


def test_tta_check_value_through_the_engine(write):
    p = project(write(TOY + TTA))
    row = {r["year"]: r for r in p.years_rows}
    total_2025 = 24.3 * 1.05**2 + 2.7
    # methods.md check: 21 -> 14 days, semi-elasticity: +7.25 %
    assert row[2025]["tta_usd_m"] == pytest.approx(total_2025 * math.expm1(0.07))


@pytest.mark.parametrize(("per_day", "gain"), [(None, 0.164), (0.021, 0.538)])
def test_tta_ave_through_the_engine(write, per_day, gain):
    extra = "" if per_day is None else f", per_day: {per_day}"
    tta = TTA.replace("14}", f"14, method: ave{extra}}}")
    p = project(write(TOY + tta))
    row = {r["year"]: r for r in p.years_rows}
    total_2025 = 24.3 * 1.05**2 + 2.7
    # methods.md check: ave, theta 4: a 0.006 -> +16.4 %, a 0.021 -> +53.8 %
    assert row[2025]["tta_usd_m"] / total_2025 == pytest.approx(gain, abs=5e-4)


def test_tta_filters_select_flows(write):
    p = project(write(TOY + TTA.replace("14}", "14, sectors: [chemicals], route_share: 0.5}")))
    row = {r["year"]: r for r in p.years_rows}
    assert row[2025]["tta_usd_m"] == pytest.approx(2.7 * 0.5 * math.expm1(0.07))


def test_components_add_up_with_both_levers(write):
    p = project(write(TOY + PTA + TTA))
    for r in p.years_rows:
        parts = r["baseline_usd_m"] + r["pta_usd_m"] + r["tta_usd_m"] + r["deals_usd_m"]
        assert parts == pytest.approx(r["total_usd_m"], rel=1e-12)
    # hand-computed 2025 textiles: base * 2.0114 * 1.0725
    textiles = 24.3 * 1.05**2 * (1.15**5) * math.exp(0.07)
    chemicals = 2.7 * math.exp(0.07)
    assert p.total[2] == pytest.approx(textiles + chemicals)


DEALS = """\
deals:
  - {name: Fuel, direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 300,
     start_year: 2026, ramp_years: 3, probability: 0.5, end_year: 2029, assumption: toy}
  - {name: Jets, direction: pak_to_aze, sector: other, category: defence, value_usd_m: 100,
     start_year: 2024, ramp: logistic, ramp_years: 4, probability: 1, assumption: toy}
"""


def test_deals_ramps_probability_and_categories(write):
    p = project(write(TOY + DEALS))
    deals = {r["year"]: r["deals_usd_m"] for r in p.years_rows}
    # hand-computed: 0.5 * 300 * (1/3, 2/3, 1, 1, 0) from 2026; jets 100 / (1 + 9**-((y - 2025)/2))
    # (methods.md 5: midpoint s + R/2 - 1 = 2025, k = 2 ln 9 / R)
    jets = {y: 100 / (1 + 9 ** (-(y - 2025) / 2)) for y in range(2024, 2031)}
    fuel = {2026: 50.0, 2027: 100.0, 2028: 150.0, 2029: 150.0, 2030: 0.0}
    for year in range(2024, 2031):
        assert deals[year] == pytest.approx(fuel.get(year, 0.0) + jets[year])
    # defence does not count toward the default target
    baseline = 24.3 * 1.05**5 + 2.7
    assert p.measure[5] == pytest.approx(baseline + 150.0)
    assert p.total[5] == pytest.approx(baseline + 150.0 + jets[2028])


def test_deal_value_scale(write):
    p = project(write(TOY + DEALS + "deal_value_scale: 0.5\n"))
    fuel_2028 = next(r for r in p.rows() if r[1] == 2028 and r[6] == "Fuel")[7]
    assert fuel_2028 == pytest.approx(0.5 * 0.5 * 300)  # scale * probability * value


def test_reached_year(write):
    text = (
        TOY + "deals: [{name: Big, direction: aze_to_pak, sector: energy, category: energy, "
        "value_usd_m: 2000, start_year: 2028, ramp_years: 2, probability: 1}]\n"
    )
    p = project(write(text))
    # hand-computed: 2028 has 1000 + ~33 of baseline; 2029 has 2000 + baseline
    assert p.reached_year == 2029
    assert p.gap_at_by_year < 0


def test_draw_axis_matches_separate_runs(write):
    p = project(write(TOY + PTA + TTA + DEALS))
    layout, params = compile_scenario(p.scenario)
    other = params.replace(utilization=np.array([0.3]))
    stacked = evaluate(layout, Params.stack([params, other]))
    one = evaluate(layout, params)
    two = evaluate(layout, other)
    assert_allclose(stacked.total()[0], one.total()[0])
    assert_allclose(stacked.total()[1], two.total()[0])


def test_frame_and_csv_rows_sum_to_totals(write):
    p = project(write(TOY + PTA + TTA + DEALS))
    by_year = p.frame.groupby("year").value_usd_m.sum().to_numpy()
    assert_allclose(by_year, p.total)
    assert list(p.frame.columns) == [
        "scenario",
        "year",
        "direction",
        "sector",
        "category",
        "component",
        "name",
        "value_usd_m",
        "counted",
        "kind",
    ]


def test_provenance_lists(write):
    p = project(write(TOY.replace("assumption: toy}", "}", 1) + PTA))
    assert p.unsourced == ["baseline.flows.0"]
    assert [a.path for a in p.assumptions] == ["baseline.flows.1"]  # utilisation was given
    p = project(write(TOY + PTA.replace("  utilization: 1.0\n", "")))
    assert "pta.utilization" in [a.path for a in p.assumptions]


SMART = """\
pta:
  start_year: 2025
  method: smart
  utilization: 1.0
  lines:
    - {direction: pak_to_aze, sector: textiles, mfn_tariff: 0.15, import_demand_elasticity: -1.5,
       partner_import_share: 0.2}
"""


def test_smart_method_through_the_engine(write):
    p = project(write(TOY + SMART))
    pta = {r["year"]: r["pta_usd_m"] for r in p.years_rows}
    # hand-computed (methods.md 2.4, WITS-SMART): creation 1.5 * 0.15 / 1.15 plus the full
    # Laird-Yeats diversion x (1 - s0) / (1 + s0 x), x = sigma (t0 - t1) / (1 + t0) = 1.5 * 0.15 /
    # 1.15, both per unit of M; default response yotov2016: 0.291 / 0.993 of the log effect in
    # the first year
    x = 1.5 * 0.15 / 1.15
    gain = 1.5 * 0.15 / 1.15 + x * 0.8 / (1 + 0.2 * x)
    assert pta[2024] == 0.0
    assert pta[2025] == pytest.approx(24.3 * 1.05**2 * ((1 + gain) ** (0.291 / 0.993) - 1))


def test_smart_needs_its_inputs(write):
    from tradecalc import ScenarioError, load_scenario

    write(TOY + SMART.replace(",\n       partner_import_share: 0.2", ""))
    with pytest.raises(ScenarioError) as caught:
        load_scenario("s.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "s.yaml:14: pta.lines.0.partner_import_share: required when pta.method is smart"
    ]


CHANGE = """\
tariff_changes:
  - {name: Rice duty, direction: pak_to_aze, sector: textiles, tariff_before: 0.0,
     tariff_after: 0.15, year: 2027, assumption: toy}
"""


def test_tariff_increase_check_value_through_the_engine(write):
    p = project(write(TOY + CHANGE))
    row = {r["year"]: r for r in p.years_rows}
    # methods.md check: an increase 0 -> 15 % at theta 4 (exponent 5) gives -50.3 %, immediately
    assert row[2026]["tariff_changes_usd_m"] == 0.0
    base = 24.3 * 1.05**4
    assert row[2027]["tariff_changes_usd_m"] / base == pytest.approx(-0.503, abs=5e-4)
    names = {r[6] for r in p.rows() if r[5] == "tariff_change"}
    assert names == {"Rice duty", ""}  # named on its flow, empty on the other


def test_yotov_profile_is_the_default(write):
    p = project(write(TOY + PTA.replace("  response: immediate\n", "")))
    pta = {r["year"]: r["pta_usd_m"] for r in p.years_rows}
    # methods.md 2: w = 0.291 / 0.993 of the log effect for k = 0..3 (2025-2028); full 1.15**5
    for year in (2025, 2028):
        base = 24.3 * 1.05 ** (year - 2023)
        assert pta[year] == pytest.approx(base * (1.15 ** (5 * 0.291 / 0.993) - 1))
    # k = 4..7: (0.291 + 0.414) / 0.993
    assert pta[2029] == pytest.approx(24.3 * 1.05**6 * (1.15 ** (5 * 0.705 / 0.993) - 1))


def test_three_levers_add_up_exactly(write):
    p = project(write(TOY + PTA + TTA + CHANGE))
    for r in p.years_rows:
        parts = sum(r[k] for k in ("baseline_usd_m", "pta_usd_m", "tariff_changes_usd_m"))
        parts += r["tta_usd_m"] + r["deals_usd_m"]
        assert parts == pytest.approx(r["total_usd_m"], rel=1e-12)
    # hand-computed 2027 textiles: base * 1.15**5 * 1.15**-5 * e^0.07 (the cut and the rise cancel)
    textiles = 24.3 * 1.05**4 * math.exp(0.07)
    assert p.total[4] == pytest.approx(textiles + 2.7 * math.exp(0.07))


DELAYED = """\
deals:
  - {name: Slow, direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 100,
     start_year: 2025, probability: 0.5, delay_years_mean: 1.0, annual_survival: 0.5,
     assumption: toy}
"""


def test_deal_path_is_expected_over_delay_and_survival(write):
    p = project(write(TOY + DELAYED))
    deals = {r["year"]: r["deals_usd_m"] for r in p.years_rows}

    # hand-computed: p V sum_d Poisson(d; 1) 0.5**(y - 2025 - d) over d <= y - 2025
    def expected(year):
        k = year - 2025
        return (
            0.5 * 100 * sum(math.exp(-1) / math.factorial(d) * 0.5 ** (k - d) for d in range(k + 1))
        )

    for year in range(2025, 2031):
        assert deals[year] == pytest.approx(expected(year), rel=1e-9)
    assert deals[2024] == 0.0


def test_smart_side_outputs_in_explain(write):
    from typer.testing import CliRunner

    from tradecalc.cli.commands import app

    name = write(TOY + SMART)
    result = CliRunner().invoke(app, ["explain", name, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    rows = {r["year"]: r for r in json.loads(result.stdout)["smart"]}
    m = 24.3 * 1.05**2  # 2025 covered, utilised imports from the partner
    creation = 1.5 * 0.15 / 1.15 * m  # eta M (t0 - t1) / (1 + t0)
    x = 1.5 * 0.15 / 1.15  # sigma (t0 - t1) / (1 + t0)
    diversion = x * 0.8 / (1 + 0.2 * x) * m  # full Laird-Yeats: x (1 - s0) M / (1 + s0 x)
    assert rows[2025]["trade_creation_usd_m"] == pytest.approx(creation)
    assert rows[2025]["trade_diversion_usd_m"] == pytest.approx(diversion)
    # t1 = 0: the partner's line loses t0 M, and third suppliers' diverted trade t0 TD
    assert rows[2025]["tariff_revenue_change_usd_m"] == pytest.approx(-0.15 * m - 0.15 * diversion)
    assert rows[2025]["consumer_surplus_usd_m"] == pytest.approx(0.5 * 0.15 * creation)
    assert rows[2024]["trade_creation_usd_m"] == 0.0
