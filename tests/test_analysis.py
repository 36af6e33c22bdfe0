"""Policy analysis: simulate, solve, sensitivity and explain, against hand computation."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from tests.conftest import ROOT, TOY
from tests.helpers import invoke
from typer.testing import CliRunner

from tradecalc import load_scenario, project
from tradecalc.analysis.sensitivity import sensitivity_document
from tradecalc.cli.commands import app
from tradecalc.engine import montecarlo
from tradecalc.engine.montecarlo import exact_deal_probability, monte_carlo

runner = CliRunner()
BASE = str(ROOT / "scenarios" / "base.yaml")

# Flat 100 of trade and three deals in full from 2024: the target of 2,000 is reached only
# when A and B both succeed (1,200 + 900 + 100 >= 2,000; A + C = 1,800 and B + C = 1,500
# fall short), so P = 0.5 * 0.4 = 0.2 exactly (hand-computed).
DEALS_ONLY = """\
name: Deals only
base_year: 2023
horizon: 2030
target: {value_usd_m: 2000, by_year: 2030}
baseline:
  flows:
    - {direction: pak_to_aze, sector: textiles, value_usd_m: 100, assumption: toy}
deals:
  - {name: A, direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 1200, start_year: 2024, probability: 0.5, assumption: toy}
  - {name: B, direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 900, start_year: 2024, probability: 0.4, assumption: toy}
  - {name: C, direction: pak_to_aze, sector: pharma, value_usd_m: 500, start_year: 2024, probability: 0.7, assumption: toy}
uncertainty: {deals: bernoulli}
"""

LEVERS = """\
pta:
  start_year: 2025
  phase_in_years: 2
  lines: [{direction: pak_to_aze, sector: textiles, coverage: 0.5, mfn_tariff: 0.15}]
tta: {start_year: 2026, transit_days_before: 21, transit_days_after: 14, route_share: 0.5}
deals:
  - {name: D, direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 300, start_year: 2026, ramp_years: 3, ramp: logistic, probability: 0.3, assumption: toy}
"""


# --- simulate --------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_output():
    args = ["simulate", BASE, "--draws", "5000", "--seed", "7", "-f", "json"]
    first, second = invoke(*args), invoke(*args)
    assert first.exit_code == 0 and first.stderr == ""
    assert first.stdout == second.stdout
    other = invoke("simulate", BASE, "--draws", "5000", "--seed", "8", "-f", "json")
    assert other.stdout != first.stdout


def test_json_shape_follows_the_contract():
    doc = json.loads(invoke("simulate", BASE, "--draws", "2000", "-f", "json").stdout)
    assert doc["draws"] == 2000 and doc["seed"] == 0
    assert set(doc["target"]) >= {"value_usd_m", "by_year", "probability_by_year"}
    assert set(doc["years"][0]) >= {
        "year",
        "mean_usd_m",
        "p10_usd_m",
        "p50_usd_m",
        "p90_usd_m",
        "probability_reached",
    }
    assert math.isclose(sum(doc["reached_year_distribution"].values()), 1.0)
    for row in doc["years"]:
        assert row["p10_usd_m"] <= row["p50_usd_m"] <= row["p90_usd_m"]


def test_zero_spreads_mean_equals_the_projection(write):
    text = TOY + LEVERS + "uncertainty: {elasticity_spread: 0, growth_sd: 0, deals: expected}\n"
    s = load_scenario(write(text))
    sim = monte_carlo(s, draws=3000, seed=1)
    assert_allclose(sim.mean, project(s).measure, rtol=1e-12)
    assert_allclose(sim.percentiles[10], sim.percentiles[90], rtol=1e-12)


def test_zero_spreads_with_bernoulli_deals_mean_is_the_expected_value(write):
    s = load_scenario(write(TOY + LEVERS + "uncertainty: {deals: bernoulli}\n"))
    draws = 40_000
    sim = monte_carlo(s, draws=draws, seed=2)
    deal_2035 = 300 * (1 / (1 + math.exp(-2 * math.log(9) / 3 * (2030 - 2027.5))))
    # the deal is 0 or its value: the mean's standard error is value * sqrt(p (1 - p) / n)
    error = deal_2035 * math.sqrt(0.3 * 0.7 / draws)
    assert abs(sim.mean[-1] - project(s).measure[-1]) < 4.5 * error


def test_exact_deal_probability_by_hand(write):
    s = load_scenario(write(DEALS_ONLY))
    assert exact_deal_probability(s) == pytest.approx(0.2)  # hand-computed above


def test_only_deal_uncertainty_matches_the_exact_probability(write):
    s = load_scenario(write(DEALS_ONLY))
    draws = 100_000
    sim = monte_carlo(s, draws=draws, seed=3)
    error = math.sqrt(0.2 * 0.8 / draws)
    assert abs(sim.probability_at_deadline - 0.2) < 4.5 * error
    # every success pattern is in full from 2024: the target is reached then or never
    doc = sim.to_dict()
    assert set(doc["reached_year_distribution"]) == {"2024", "never"}


def test_draws_run_in_bounded_chunks(write, monkeypatch):
    sizes = []
    original = montecarlo.run_chunk

    def recording(kernel, shocks):
        sizes.append(len(shocks.utilization))
        return original(kernel, shocks)

    monkeypatch.setattr(montecarlo, "run_chunk", recording)
    s = load_scenario(write(TOY + "uncertainty: {growth_sd: 0.02}\n"))
    monte_carlo(s, draws=2 * montecarlo.CHUNK + 5, seed=0)
    assert sizes == [montecarlo.CHUNK, montecarlo.CHUNK, 5]


def test_growth_spread_moves_the_percentiles(write):
    s = load_scenario(write(TOY + "uncertainty: {growth_sd: 0.05}\n"))
    sim = monte_carlo(s, draws=20_000, seed=4)
    # hand-computed median: the growth shift is symmetric, so P50 stays near the point value
    point = project(s).measure
    assert sim.percentiles[10][-1] < point[-1] < sim.percentiles[90][-1]
    assert sim.percentiles[50][-1] == pytest.approx(point[-1], rel=0.01)


# --- solve -----------------------------------------------------------------------------------

ONE_FLOW = """\
name: Growth only
base_year: 2023
horizon: 2035
target: {value_usd_m: 2000, by_year: 2030}
baseline:
  flows:
    - {direction: pak_to_aze, sector: textiles, value_usd_m: 27.0, growth: 0.05, assumption: toy}
"""


def test_solve_growth_check_value(write):
    result = invoke("solve", write(ONE_FLOW), "--param", "baseline.flows.0.growth", "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    # methods.md section 9: from 27.0 (2023) to 2,000 by 2030 needs g = 84.97 %
    assert doc["value"] == pytest.approx(0.8497, abs=1e-4)
    assert doc["value"] == pytest.approx((2000 / 27) ** (1 / 7) - 1, abs=1e-9)
    assert doc["reached"] is True and doc["by_year"] == 2030
    assert doc["measure_at_by_year_usd_m"] == pytest.approx(2000.0)


def test_solve_target_year(write):
    doc = json.loads(
        invoke(
            "solve",
            write(ONE_FLOW),
            "--param",
            "baseline.flows.0.growth",
            "--target-year",
            "2035",
            "-f",
            "json",
        ).stdout
    )
    assert doc["by_year"] == 2035
    assert doc["value"] == pytest.approx(0.4315, abs=1e-4)  # methods.md section 7: 43.15 %/yr


def test_solve_unreachable_range_exits_1(write):
    result = invoke(
        "solve",
        write(ONE_FLOW),
        "--param",
        "baseline.flows.0.growth",
        "--low",
        "0",
        "--high",
        "0.5",
        "-f",
        "json",
    )
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["reached"] is False and doc["value"] is None
    assert doc["note"] == "not reached anywhere in [0, 0.5]"


def test_solve_whole_years(write):
    text = (
        ONE_FLOW
        + "deals: [{name: Big, direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 3000, start_year: 2024, ramp_years: 4, probability: 1, assumption: toy}]\n"
    )
    doc = json.loads(
        invoke("solve", write(text), "--param", "deals.Big.start_year", "-f", "json").stdout
    )
    # hand-computed: a 4-year ramp to 3,000 passes 2,000 (minus ~40 of baseline) in its 3rd
    # year (2,250 + baseline), so the latest start that reaches it by 2030 is 2028
    assert doc["value"] == 2028 and isinstance(doc["value"], int)


def test_solve_probability_with_common_random_numbers(write):
    text = (
        ONE_FLOW
        + "deals: [{name: Big, direction: aze_to_pak, sector: energy, category: energy, value_usd_m: 2500, start_year: 2024, probability: 0.1, assumption: toy}]\nuncertainty: {deals: bernoulli}\n"
    )
    doc = json.loads(
        invoke(
            "solve",
            write(text),
            "--param",
            "deals.Big.probability",
            "--metric",
            "probability",
            "--at",
            "0.5",
            "--draws",
            "20000",
            "-f",
            "json",
        ).stdout
    )
    # the deal alone reaches the target, so P(reached) is the share of draws with U < p:
    # p = 0.5 up to sampling error (sd sqrt(0.25 / 20,000) = 0.0035)
    assert doc["value"] == pytest.approx(0.5, abs=0.015)
    assert doc["probability"] >= 0.5


def test_solve_bad_param_exits_2(write):
    result = invoke("solve", write(ONE_FLOW), "--param", "baseline.flows.0.sector")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "--param baseline.flows.0.sector: baseline.flows.0.sector: "
        "must name a number in the scenario, e.g. pta.utilization\n"
    )


# --- sensitivity -----------------------------------------------------------------------------


def test_sensitivity_ranks_the_obvious_driver_first(write):
    text = ONE_FLOW.replace("value_usd_m: 27.0", "value_usd_m: 100") + (
        "deals: [{name: Big, direction: aze_to_pak, sector: energy, category: energy, "
        "value_usd_m: 1000, start_year: 2024, probability: 0.5, assumption: toy}]\n"
        "uncertainty: {growth_sd: 0.01, deals: bernoulli}\n"
    )
    doc = sensitivity_document(load_scenario(write(text)))
    assert [r["input"] for r in doc["inputs"]] == ["deal: Big", "growth: pak_to_aze/textiles"]
    deal, growth = doc["inputs"]
    base = 100 * 1.05**7
    assert deal["swing_usd_m"] == pytest.approx(1000.0)  # fails or succeeds: 0 or 1,000
    assert deal["measure_low_usd_m"] == pytest.approx(base)
    # hand-computed: growth P10/P90 = 0.05 -+ 1.2816 * 0.01
    z = 1.2815515655446004 * 0.01
    assert growth["swing_usd_m"] == pytest.approx(100 * ((1.05 + z) ** 7 - (1.05 - z) ** 7))


def test_sensitivity_without_an_uncertainty_block_swings_30_percent(write):
    doc = sensitivity_document(load_scenario(write(ONE_FLOW)))
    (growth,) = doc["inputs"]
    assert (growth["low"], growth["high"]) == pytest.approx((0.035, 0.065))
    assert doc["spreads"] == "+-30 %"


def test_sensitivity_cli_formats():
    table = invoke("sensitivity", BASE)
    assert table.exit_code == 0 and "deal: PSO-SOCAR" in table.stdout
    csv_text = invoke("sensitivity", BASE, "-f", "csv").stdout
    assert (
        csv_text.splitlines()[0]
        == "input,low,high,measure_low_usd_m,measure_high_usd_m,swing_usd_m"
    )


# --- explain ---------------------------------------------------------------------------------


def test_explain_lists_every_deal_and_unsourced_assumption():
    scenario = load_scenario(BASE)
    unsourced = [a for a in project(scenario).assumptions if a.source is None]
    assert unsourced  # base.yaml states the elasticity and the spreads as assumptions
    doc = json.loads(invoke("explain", BASE, "-f", "json").stdout)
    assert [r["name"] for r in doc["levers"] if r["lever"] == "deal"] == [
        d.name for d in scenario.deals
    ]
    texts = {a["path"]: a["text"] for a in doc["assumptions"] if a["source"] is None}
    assert texts == {a.path: a.text for a in unsourced}
    assert [s["url"] for s in doc["sources"]] == [s.url for s in scenario.sources]
    for fmt in ("table", "markdown"):
        result = runner.invoke(app, ["explain", BASE, "-f", fmt], env={"COLUMNS": "2000"})
        assert result.exit_code == 0 and result.stderr == ""
        for text in [d.name for d in scenario.deals] + [a.text for a in unsourced]:
            assert text in result.stdout


def test_explain_counted_levers_sum_to_the_measure():
    doc = json.loads(invoke("explain", BASE, "-f", "json").stdout)
    counted = [r for r in doc["levers"] if r["counts"]]
    assert sum(r["at_by_year_usd_m"] for r in counted) == pytest.approx(
        doc["measure_at_by_year_usd_m"]
    )
    assert sum(r["at_horizon_usd_m"] for r in counted) == pytest.approx(
        doc["measure_at_horizon_usd_m"]
    )
    not_counted = {r["name"] for r in doc["levers"] if not r["counts"]}
    assert not_counted == {  # brokered, services, defence and investment: not customs goods
        "PSO-SOCAR refined products",
        "SOCAR-PLL LNG framework",
        "JF-17 Block III",
        "Azerbaijan investment pledge",
        "Construction: Karabakh reconstruction",
        "Solar energy: engineering and joint ventures",
    }


@pytest.mark.parametrize("command", ["simulate", "solve", "sensitivity", "explain"])
def test_bad_scenario_exits_2(write, command):
    extra = ["--param", "pta.utilization"] if command == "solve" else []
    result = invoke(command, write(TOY.replace("horizon: 2030", "horizon: 20x0")), *extra)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "s.yaml:3: horizon: input should be a valid integer, got '20x0'\n"


def test_percentiles_are_of_the_measure(write):
    # a defence deal does not count: it must not move the simulated measure
    text = (
        TOY
        + "deals: [{name: Jets, direction: pak_to_aze, sector: other, category: defence, value_usd_m: 5000, start_year: 2024, probability: 0.5, assumption: toy}]\nuncertainty: {deals: bernoulli}\n"
    )
    sim = monte_carlo(load_scenario(write(text)), draws=1000, seed=0)
    assert_allclose(sim.mean, 24.3 * 1.05 ** np.arange(8) + 2.7)


def test_sensitivity_swings_deal_value_ranges_and_annual_shocks(write):
    text = ONE_FLOW.replace("value_usd_m: 27.0", "value_usd_m: 100") + (
        "deals: [{name: Big, direction: aze_to_pak, sector: energy, category: energy, "
        "value_usd_m: 1000, value_range_usd_m: [500, 2000], start_year: 2024, "
        "probability: 0.5, assumption: toy}]\n"
        "uncertainty: {shock_sd: 0.2, deals: bernoulli}\n"
    )
    doc = sensitivity_document(load_scenario(write(text)))
    rows = {r["input"]: r for r in doc["inputs"]}
    base = 100 * 1.05**7
    value = rows["deal value: Big"]
    # the deal at its odds (0.5) with its value at P10 or P90: hand-computed
    assert (value["low"], value["high"]) == (500.0, 2000.0)
    assert value["measure_low_usd_m"] == pytest.approx(base + 250)
    assert value["measure_high_usd_m"] == pytest.approx(base + 1000)
    shocks = rows["annual shocks: level factor"]
    # the random walk's P10/P90 after 7 years: exp(-+1.2816 * 0.2 * sqrt(7)) on the baseline
    z = 1.2815515655446004 * 0.2 * math.sqrt(7)
    assert (shocks["low"], shocks["high"]) == pytest.approx((math.exp(-z), math.exp(z)))
    assert shocks["measure_low_usd_m"] == pytest.approx(base * math.exp(-z) + 500)
    assert shocks["measure_high_usd_m"] == pytest.approx(base * math.exp(z) + 500)


def test_sensitivity_swings_a_group_of_deals_together(write):
    text = ONE_FLOW.replace("value_usd_m: 27.0", "value_usd_m: 100") + (
        "deals:\n"
        "  - {name: A, direction: aze_to_pak, sector: energy, category: energy, "
        "value_usd_m: 1000, start_year: 2024, probability: 0.5, group: g, assumption: toy}\n"
        "  - {name: B, direction: aze_to_pak, sector: energy, category: energy, "
        "value_usd_m: 300, start_year: 2024, probability: 0.4, group: g, assumption: toy}\n"
        "uncertainty: {deals: bernoulli}\n"
    )
    doc = sensitivity_document(load_scenario(write(text)))
    (group,) = doc["inputs"]
    assert group["input"] == "deal group: g"
    base = 100 * 1.05**7
    # both fail, or both succeed (hand-computed)
    assert group["measure_low_usd_m"] == pytest.approx(base)
    assert group["measure_high_usd_m"] == pytest.approx(base + 1300)
