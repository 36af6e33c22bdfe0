"""`tradecalc backtest` (methods.md 11), through the command line's JSON and its other formats."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import AZE_RECORD
from typer.testing import CliRunner

from tradecalc import load_scenario
from tradecalc.analysis.backtest import backtest_document
from tradecalc.cli.commands import app

runner = CliRunner()
Z90 = 1.2815515655446004  # 90th percentile of the standard normal

# Azerbaijan's record 2019-2023 (methods.md 8 and 10) and a 5 %/yr baseline split 90/10.
RECORD = (
    """\
name: Back-test
base_year: 2023
horizon: 2030
target: {value_usd_m: 2000, by_year: 2030}
economies: [{code: PAK}, {code: AZE}]
baseline:
  reporter: AZE
  flows:
    - {direction: pak_to_aze, sector: textiles, value_usd_m: 24.3, growth: 0.05, assumption: toy}
    - {direction: aze_to_pak, sector: chemicals, value_usd_m: 2.7, growth: 0.05, assumption: toy}
history:
"""
    + AZE_RECORD
    + """\
  - {year: 2023, reporter: PAK, period: fy_jul_jun, total_usd_m: 5.96, assumption: mirror}
"""
)


def run(path: str, *args: str) -> dict:
    result = runner.invoke(app, ["backtest", path, *args, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def row(doc: dict, year: int) -> dict:
    return next(r for r in doc["years"] if r["year"] == year)


# Student's t quantiles (any t table): the predictive of a random walk whose variance has a
# scaled inverse-chi2(nu, s^2) posterior is s * sqrt(t) * t_nu (Gelman et al. 2013, 3.2).
T4_90, T8_90 = 1.5332, 1.3968


def test_from_2020_with_the_records_own_shocks_the_2022_outturn_is_inside(write):
    # methods.md 11: from 2020 (13.2) with 5 %/yr and the record's own shock sd (no pooling),
    # 28.2 lies inside the band
    text = RECORD + "uncertainty: {shock_sd: from_history, shock_pooling: none}\n"
    doc = run(write(text), "--from", "2020")
    assert doc["from_year"] == 2020 and doc["reporter"] == "AZE"
    r = row(doc, 2022)
    assert r["observed_usd_m"] == 28.2
    assert r["p10_usd_m"] <= 28.2 <= r["p90_usd_m"] and r["inside_band"] is True
    # the calibration used the same record: in-sample, and said so
    assert doc["shock_sd"] == pytest.approx(0.434, abs=5e-4)  # methods.md 8: around 5 %/yr
    assert doc["shock_sd_years"] == [2019, 2023] and doc["in_sample"] is True
    # hand-computed P90: 14.553 * exp(t_4 * 0.4343 * sqrt(2)), about 37.3 (the sd drawn from
    # its posterior, 4 degrees of freedom)
    assert r["p90_usd_m"] == pytest.approx(
        13.2 * 1.05**2 * math.exp(T4_90 * 0.43426 * 2**0.5), rel=0.05
    )
    assert r["p50_usd_m"] == pytest.approx(r["projected_usd_m"], rel=0.02)  # median-preserving


def test_from_2020_pooled_shocks_put_the_2022_outturn_just_above_p90(write):
    # The default shrinks the own 0.434 (4 changes) toward the panel's 0.161 (weight 4):
    # s_n = sqrt((4 x 0.16118**2 + 0.75432) / 8) = 0.3275, so P90 of 2022 is
    # 14.553 * exp(t_8 * 0.3275 * sqrt(2)) = 27.8, just under the observed 28.2.
    doc = run(write(RECORD + "uncertainty: {shock_sd: from_history}\n"), "--from", "2020")
    r = row(doc, 2022)
    assert doc["shock_sd"] == pytest.approx(0.3275, abs=5e-4)
    assert r["p90_usd_m"] == pytest.approx(
        13.2 * 1.05**2 * math.exp(T8_90 * 0.32754 * 2**0.5), rel=0.02
    )
    assert r["inside_band"] is False and r["p90_usd_m"] > 27.0
    assert r["p50_usd_m"] == pytest.approx(r["projected_usd_m"], rel=0.02)  # median-preserving


def test_version_1_bands_miss_the_2022_outturn(write):
    # growth_sd 0.03 and no annual shocks: P90 of 2022 about 13.2 * (1.05 + 1.28 * 0.03)**2
    # = 15.6, far below 28.2 (methods.md 11: version 1's band was 13.5-15.4)
    doc = run(write(RECORD + "uncertainty: {growth_sd: 0.03}\n"), "--from", "2020")
    r = row(doc, 2022)
    assert r["inside_band"] is False and r["p90_usd_m"] < 16.0
    assert doc["shock_sd"] == 0.0 and doc["shock_sd_years"] is None
    assert doc["in_sample"] is False


def test_central_path_and_scores_by_hand(write):
    doc = run(write(RECORD + "uncertainty: {growth_sd: 0.03}\n"), "--from", "2020")
    # rebased to 13.2 in 2020, both flows at 5 %/yr: 13.2 * 1.05**k
    assert [r["year"] for r in doc["years"]] == [2021, 2022, 2023]
    observed = {2021: 11.7, 2022: 28.2, 2023: 27.0}
    errors = []
    for r in doc["years"]:
        k = r["year"] - 2020
        assert r["projected_usd_m"] == pytest.approx(13.2 * 1.05**k)
        errors.append(math.log(13.2 * 1.05**k / observed[r["year"]]))
        assert r["log_error"] == pytest.approx(errors[-1])
    assert doc["mean_abs_log_error"] == pytest.approx(sum(abs(e) for e in errors) / 3)
    inside = [r["inside_band"] for r in doc["years"]]
    assert doc["coverage"] == pytest.approx(sum(inside) / 3)


def test_rebasing_keeps_the_flow_shares_and_levers_their_start_years(write):
    text = RECORD.replace("value_usd_m: 2.7, growth: 0.05", "value_usd_m: 2.7, growth: 0.0")
    text += (
        "pta:\n  start_year: 2025\n"
        "  lines: [{direction: pak_to_aze, sector: textiles, mfn_tariff: 0.15}]\n"
        "deals:\n"
        "  - {name: Early, direction: aze_to_pak, sector: energy, category: energy, "
        "value_usd_m: 10, start_year: 2023, probability: 0.5, assumption: toy}\n"
        "  - {name: Fuel, direction: aze_to_pak, sector: energy, category: brokered, "
        "value_usd_m: 500, start_year: 2023, probability: 1, assumption: toy}\n"
    )
    doc = run(write(text), "--from", "2019")
    # shares 90 % at 5 %/yr and 10 % flat from 14.8 in 2019; the PTA (2025) does nothing;
    # the energy deal from 2023 at p 0.5 adds 5; the brokered deal is not in customs records
    for r in doc["years"]:
        k = r["year"] - 2019
        deal = 5.0 if r["year"] >= 2023 else 0.0
        assert r["projected_usd_m"] == pytest.approx(14.8 * (0.9 * 1.05**k + 0.1) + deal)


def test_default_start_is_the_first_observed_year(write):
    doc = run(write(RECORD + "uncertainty: {shock_sd: 0.3}\n"))
    assert doc["from_year"] == 2019
    assert [r["year"] for r in doc["years"]] == [2020, 2021, 2022, 2023]
    assert doc["path"][0] == {
        "year": 2019,
        "projected_usd_m": pytest.approx(14.8),
        "p10_usd_m": pytest.approx(14.8),
        "p50_usd_m": pytest.approx(14.8),
        "p90_usd_m": pytest.approx(14.8),
    }


def test_same_seed_same_bytes_and_the_library_agrees(write):
    path = write(RECORD + "uncertainty: {shock_sd: from_history}\n")
    args = ["backtest", path, "--from", "2020", "--draws", "3000", "--seed", "4", "-f", "json"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.stdout == second.stdout
    doc = backtest_document(load_scenario(path), 2020, draws=3000, seed=4)
    assert json.loads(first.stdout)["years"] == doc["years"]


def test_formats(write):
    path = write(RECORD + "uncertainty: {shock_sd: from_history}\n")
    csv_text = runner.invoke(app, ["backtest", path, "--from", "2020", "-f", "csv"]).stdout
    lines = csv_text.splitlines()
    assert lines[0] == (
        "year,observed_usd_m,projected_usd_m,p10_usd_m,p50_usd_m,p90_usd_m,inside_band,log_error"
    )
    assert [line.split(",")[0] for line in lines[1:]] == ["2021", "2022", "2023"]
    for fmt in ("table", "markdown"):
        result = runner.invoke(
            app, ["backtest", path, "--from", "2020", "-f", fmt], env={"COLUMNS": "300"}
        )
        assert result.exit_code == 0 and result.stderr == ""
        text = " ".join(result.stdout.split())
        assert "in-sample" in text and "80 % nominal" in text and "28.2" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--from", "2023"],
            "--from: must be a year of AZE's calendar-year record before its last year 2023 "
            "(2019, 2020, 2021, 2022), got 2023\n",
        ),
        (
            ["--from", "2018"],
            "--from: must be a year of AZE's calendar-year record before its last year 2023 "
            "(2019, 2020, 2021, 2022), got 2018\n",
        ),
    ],
)
def test_bad_start_year_exits_2(write, extra, message):
    result = runner.invoke(app, ["backtest", write(RECORD), *extra])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_no_record_exits_2(write):
    text = RECORD.split("history:")[0]
    result = runner.invoke(app, ["backtest", write(text)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "s.yaml: history: the back-test needs at least two of AZE's calendar-year totals "
        "(the baseline reporter's), found 0\n"
    )


def test_backtest_plot_draws_the_fan_from_the_start_year(tmp_path):
    from typer.testing import CliRunner

    from tradecalc.cli.commands import app

    chart = tmp_path / "bt.svg"
    result = CliRunner().invoke(
        app,
        [
            "backtest",
            "scenarios/base.yaml",
            "--from",
            "2020",
            "--draws",
            "500",
            "--plot",
            str(chart),
        ],
    )
    assert result.exit_code == 0, result.stderr
    svg = chart.read_text(encoding="utf-8")
    assert "Backtest from 2020" in svg and "In-sample" in svg and "2020" in svg


# Reviewer's fixes to the odds (branch fix-odds): Monte Carlo errors of the odds line's
# centres, simulate's bound, the notes when a scenario has no uncertainty, honest naive
# benchmarks in the rolling back-test, and --horizon refused without --rolling.


ROOT = Path(__file__).resolve().parents[1]


def test_backtest_horizon_without_rolling_is_refused():
    result = runner.invoke(app, ["backtest", "scenarios/base.yaml", "--horizon", "3"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "--horizon: only with --rolling" in result.stderr


def test_rolling_naive_benchmarks_are_not_straw_men():
    # from 2021 the drift's sd comes from 2 changes (1 df): as a normal its log score was
    # -8,188 (methods.md 11, before); the t predictive keeps it finite and says its df
    from tradecalc.analysis.rolling import rolling_backtest

    doc = rolling_backtest(load_scenario(ROOT / "scenarios/base.yaml"), draws=4000)
    first = doc["forecasts"][0]
    assert first["origin"] == 2021 and first["drift"]["df"] == 1 and first["no_change"]["df"] == 2
    assert doc["scores"]["drift"]["log_score"] > -10
    assert 0 < doc["scores"]["model"]["log_score_se"] < 0.2
    assert "Silverman" in doc["log_score_method"] and "Student-t" in doc["log_score_method"]


def test_the_rolling_cut_off_is_passed_explicitly():
    # the cut-off reaches the draws' shock sd as an argument: the panel's records after 2021
    # drop out (sd 0.16176 against 0.16138 with them), and no call outside changes
    from tradecalc.analysis.rolling import rolling_backtest
    from tradecalc.engine import shock_estimate as module
    from tradecalc.engine.montecarlo import measure_draws

    s = load_scenario(ROOT / "scenarios/base.yaml")
    t = s.model_copy(update={"history": [h for h in s.history if h.year <= 2021]})
    cut, whole = module.shock_estimate(t, 2021).sd, module.shock_estimate(t).sd
    assert cut != whole
    doc = rolling_backtest(s, draws=500)
    assert doc["estimates"][0]["shock_sd"] == pytest.approx(cut, rel=1e-12)
    assert module.shock_estimate(t).sd == whole and not hasattr(module, "records_until")
    a = measure_draws(t, 200, 0, until=2021)[1]
    b = measure_draws(t, 200, 0)[1]
    assert not np.array_equal(a, b)
