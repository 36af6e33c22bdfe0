"""Gravity: the fit reproduces the Advanced Guide's published estimates on the shipped AGTPA
panel; the normal level is the fit's fitted values and its band their stated quantiles; the
command's formats, its JSON keys and its one-line refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.conftest import ROOT
from typer.testing import CliRunner

from tradecalc.analysis import gravity
from tradecalc.analysis.gravity_normal import (
    DASH,
    TIMES,
    no_normal_level_line,
    normal_level,
    normal_level_line,
)
from tradecalc.analysis.gravity_panel import open_panel
from tradecalc.cli.commands import app

pytest.importorskip("pyfixest")  # the `gravity` extra; the `test` extra installs it

runner = CliRunner()
YEARS_CH1 = (1986, 1990, 1994, 1998, 2002, 2006)
TABLE1_TERMS = ("log_dist", "cntg", "lang", "clny")


def invoke(*args: str):
    return runner.invoke(app, ["gravity", *args])


@pytest.fixture(autouse=True)
def _own_store(panel_store):
    """An empty panel store: without --panel the commands use the shipped AGTPA panel."""


@pytest.fixture(scope="module")
def panel():
    return open_panel("agtpa", None)


@pytest.fixture(scope="module")
def ppml_table1(panel):
    info, frame = panel
    return gravity.fit(frame, gravity.GravitySpec(years=YEARS_CH1), info)


# --- published estimates -----------------------------------------------------------------------

# Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis,
# ch. 1, Table 1, column PPML (exporter-year and importer-year fixed effects, 1986, 1990, ...,
# 2006, international flows, clustered by pair_id), as the R replication in pachadotdev/tradepolicy
# states it (01-traditional-gravity.qmd; _freeze/01-traditional-gravity/execute-results/html.json:
# `summary_table(...)` column (4) to three decimals, "everything matches table 1"; and `fit_ppml`
# to four): estimate and clustered standard error.
TABLE1_PPML = {
    "log_dist": ((-0.841, 0.032), (-0.8409, 0.0317)),
    "cntg": ((0.437, 0.083), (0.4374, 0.0832)),
    "lang": ((0.247, 0.077), (0.2475, 0.0765)),
    "clny": ((-0.222, 0.116), (-0.2225, 0.1162)),
}
TABLE1_PPML_N = 28_152  # same file: "Number of observations: Full 28152"; N 28,152


def test_table1_ppml_column_is_reproduced(ppml_table1):
    fit = ppml_table1
    assert list(fit.frame.term) == list(TABLE1_TERMS)
    assert fit.frame.columns[:3].tolist() == ["term", "estimate", "se"]
    assert fit.n_obs == TABLE1_PPML_N
    assert fit.zero_flows_dropped == 0  # PPML keeps the zero flows
    for term, ((estimate, se), (estimate4, se4)) in TABLE1_PPML.items():
        c = fit.coefficient(term)
        assert round(c.estimate, 3) == estimate, term
        assert abs(c.se - se) <= 0.003, term
        # tighter, to the four decimals printed: Stata's ppml (a GLM) scales the cluster
        # variance by G/(G-1) only, as the fit does
        assert abs(c.estimate - estimate4) <= 0.00005 + 1e-9, term
        assert abs(c.se - se4) <= 0.00005 + 1e-9, term


# The same Table 1, column "FES" (OLS of ln trade, exporter-year and importer-year fixed
# effects, positive international flows, clustered by pair_id): the R replication's
# `summary_table(...)` column (3) to three decimals and `fit_fe` to four (same file), N 25,689.
TABLE1_OLS = {
    "log_dist": (-1.216, (-1.2156, 0.0376)),
    "cntg": (0.223, (0.2232, 0.1995)),
    "lang": (0.661, (0.6609, 0.0807)),
    "clny": (0.670, (0.6705, 0.1470)),
}


def test_table1_ols_column_is_reproduced(panel):
    info, frame = panel
    fit = gravity.fit(frame, gravity.GravitySpec(years=YEARS_CH1, estimator="ols"), info)
    assert fit.n_obs == 25_689
    sample = frame[frame.year.isin(YEARS_CH1) & (frame.exporter != frame.importer)]
    assert fit.zero_flows_dropped == int((sample.value_usd_m == 0).sum()) == 28_152 - 25_689
    # Stata's `regress` with the fixed effects as dummies (the Guide's do-file) counts them in
    # its factor (N-1)/(N-K); the R replication's felm does not. K = 4 terms + 414 exporter-year
    # + 414 importer-year effects - 1 (one is redundant): the two differ by sqrt((N-1)/(N-K)).
    n, k = 25_689, 4 + 414 + 414 - 1
    for term, (estimate, (estimate4, se4)) in TABLE1_OLS.items():
        c = fit.coefficient(term)
        assert round(c.estimate, 3) == estimate, term
        assert abs(c.estimate - estimate4) <= 0.00005 + 1e-9, term
        assert c.se == pytest.approx(se4 * ((n - 1) / (n - k)) ** 0.5, abs=0.0001), term


# Chapter 2, application "trade without borders": the book's Stata log
# (00-application-files/Chapter2/Applications/1_TradeWithoutBorder/Results/TradeWithoutBorder.log,
# `ppml trade EXPORTER_FE* IMPORTER_FE* ln_DIST CNTG INTL_BRDR`): 2006, domestic flows included,
# exporter and importer fixed effects, robust ("Semirobust") standard errors, 4,761 observations.
TRADE_WITHOUT_BORDERS = {
    "log_dist": (-0.7912879, 0.0501494),
    "cntg": (0.6736456, 0.1073719),
    "intl": (-2.47445, 0.1193816),
}


def test_trade_without_borders_matches_the_stata_log(panel):
    info, frame = panel
    spec = gravity.GravitySpec(
        terms=("log_dist", "cntg", "intl"),
        fixed_effects=("exporter", "importer"),
        years=(2006,),
        with_domestic=True,
        se="hetero",
    )
    fit = gravity.fit(frame, spec, info)
    assert fit.n_obs == 4_761
    for term, (estimate, se) in TRADE_WITHOUT_BORDERS.items():
        c = fit.coefficient(term)
        assert c.estimate == pytest.approx(estimate, abs=2e-6), term
        assert c.se == pytest.approx(se, abs=2e-6), term


# --- the normal level --------------------------------------------------------------------------


def test_normal_level_is_the_fits_fitted_values_and_the_band_their_quantiles(panel, ppml_table1):
    """Recomputed here with pyfixest directly, not through the fit's own frame."""
    import pyfixest

    _, frame = panel
    normal = normal_level(ppml_table1, "TUR", "IRN", 2002)
    d = frame[frame.year.isin(YEARS_CH1) & (frame.exporter != frame.importer)].copy()
    d["log_dist"] = np.log(d["dist"])
    d["ey"] = d["exporter"] + d["year"].astype(str)
    d["iy"] = d["importer"] + d["year"].astype(str)
    with warnings.catch_warnings():  # pandas' deprecations inside pyfixest
        warnings.simplefilter("ignore")
        model = pyfixest.fepois("value_usd_m ~ log_dist + cntg + lang + clny | ey + iy", data=d)
    d["mu"] = np.asarray(model.predict(type="response"))
    year = d[d.year == 2002]
    each = {
        (x, y): year[(year.exporter == x) & (year.importer == y)].iloc[0]
        for x, y in (("TUR", "IRN"), ("IRN", "TUR"))
    }
    expected = sum(row.mu for row in each.values())
    assert normal.normal_usd_m == pytest.approx(expected, rel=1e-5)
    assert normal.observed_usd_m == pytest.approx(sum(r.value_usd_m for r in each.values()))
    assert normal.ratio == pytest.approx(normal.observed_usd_m / expected, rel=1e-5)
    positive = year[year.value_usd_m > 0]
    ratios = np.sort(np.log(positive.value_usd_m / positive.mu).to_numpy())
    assert normal.band_flows == len(ratios)
    for q, bound in zip((0.1, 0.9), normal.band_usd_m, strict=True):
        h = (len(ratios) - 1) * q  # numpy's default ("linear"), written out
        low = int(np.floor(h))
        quantile = ratios[low] + (h - low) * (ratios[low + 1] - ratios[low])
        assert bound == pytest.approx(np.exp(quantile) * expected, rel=1e-4)
    assert normal.band_usd_m[0] < normal.normal_usd_m < normal.band_usd_m[1]


def test_normal_level_defaults_to_the_fits_latest_year(ppml_table1):
    assert normal_level(ppml_table1, "TUR", "IRN").year == 2006


def test_briefing_line_reads_as_the_issue_writes_it(ppml_table1):
    normal = normal_level(ppml_table1, "TUR", "IRN")
    label, text = normal_level_line(normal, 27.0, 2000.0, 2023)
    assert label == "Normal level (gravity, agtpa, 2006)"
    n, (low, high) = normal.normal_usd_m, normal.band_usd_m
    assert text == (
        f"{n:,.1f} US$ m (P10{DASH}P90 {low:,.1f}{DASH}{high:,.1f}), of 2006; "
        f"the record (2023) is {27.0 / n:.2g}{TIMES} it; "
        f"the target is {2000.0 / n:.2g}{TIMES} it"
    )
    same_year = normal_level_line(normal, 1280.0, 2000.0, 2006)[1]
    assert ", of 2006" not in same_year
    assert no_normal_level_line(("PAK", "AZE"), ["agtpa"])[1].startswith(
        "no panel holds both PAK and AZE (looked in: agtpa); fetch one: "
        "tradecalc panel fetch imf --economies PAK AZE"
    )


# --- the command -------------------------------------------------------------------------------

FIT_KEYS = {"estimator", "n_obs", "fixed_effects", "years", "panel", "coefficients"}
NORMAL_KEYS = {
    "pair",
    "year",
    "normal_usd_m",
    "observed_usd_m",
    "ratio",
    "band_usd_m",
    "by_direction",
}
PAIR_FE = "exporter-year,importer-year,pair"
ATTRIBUTION = "AGTPA panel: manufacturing trade of 69 economies, 1986\N{EN DASH}2006, CC BY 4.0"


def test_fit_json_has_the_issues_keys():
    result = invoke("fit", "--years", "2002:2006:4", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert doc.keys() >= FIT_KEYS
    assert doc["estimator"] == "ppml" and doc["years"] == [2002, 2006]
    assert doc["n_obs"] == 2 * 69 * 68
    assert doc["fixed_effects"] == ["exporter-year", "importer-year"]
    assert set(doc["coefficients"]) == set(TABLE1_TERMS)
    assert set(doc["coefficients"]["log_dist"]) == {"estimate", "se"}
    assert doc["panel"]["id"] == "agtpa" and doc["panel"]["attribution"].startswith(ATTRIBUTION)


def test_ols_json_counts_the_zero_flows_it_drops():
    doc = json.loads(invoke("fit", "--years", "2006", "--estimator", "ols", "-f", "json").stdout)
    _, frame = open_panel("agtpa", None)
    year = frame[(frame.year == 2006) & (frame.exporter != frame.importer)]
    assert doc["zero_flows_dropped"] == int((year.value_usd_m == 0).sum()) > 0
    assert doc["n_obs"] == len(year) - doc["zero_flows_dropped"]


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_every_format_names_the_panel_and_its_attribution(fmt):
    for args in (("fit",), ("normal", "--economies", "TUR", "IRN")):
        result = invoke(*args, "--years", "2006", "-f", fmt)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        text = " ".join(result.stdout.split())
        assert "agtpa" in text
        assert ATTRIBUTION in text


def test_normal_json_has_the_issues_keys_and_adds_up():
    result = invoke("normal", "--economies", "TUR", "IRN", "--years", "2006", "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc.keys() >= NORMAL_KEYS
    assert doc["pair"] == ["TUR", "IRN"] and doc["year"] == 2006
    directions = doc["by_direction"]
    assert set(directions) == {"tur_to_irn", "irn_to_tur"}
    assert doc["normal_usd_m"] == pytest.approx(sum(d["normal_usd_m"] for d in directions.values()))
    assert doc["observed_usd_m"] == pytest.approx(
        sum(d["observed_usd_m"] for d in directions.values())
    )
    assert doc["ratio"] == pytest.approx(doc["observed_usd_m"] / doc["normal_usd_m"])
    low, high = doc["band_usd_m"]
    assert low == pytest.approx(np.exp(doc["band_basis"]["p10_log_ratio"]) * doc["normal_usd_m"])
    assert high == pytest.approx(np.exp(doc["band_basis"]["p90_log_ratio"]) * doc["normal_usd_m"])


def test_normal_csv_rows_add_up_to_the_total():
    result = invoke("normal", "--economies", "TUR", "IRN", "--years", "2006", "-f", "csv")
    frame = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert list(frame.direction) == ["tur_to_irn", "irn_to_tur", "total"]
    assert frame.normal_usd_m.iloc[:2].sum() == pytest.approx(frame.normal_usd_m.iloc[2])
    assert frame.band_p10_usd_m.iloc[:2].isna().all() and frame.band_p10_usd_m.iloc[2] > 0


def test_normal_of_a_scenario_says_why_when_the_panel_lacks_its_pair():
    result = invoke("normal", str(ROOT / "scenarios" / "base.yaml"))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("--economies: PAK and AZE are not in panel agtpa (69 economies")
    assert "tradecalc panel import" in lines[0]


TUR_IRN = """\
name: Türkiye-Iran toy
economies:
  - {code: TUR, name: Türkiye}
  - {code: IRN, name: Iran}
base_year: 2006
horizon: 2010
target: {value_usd_m: 5000, by_year: 2010, assumption: toy target}
history:
  - {year: 2006, reporter: TUR, total_usd_m: 1280, assumption: toy record}
baseline:
  reporter: TUR
  flows:
    - {direction: tur_to_irn, sector: all, value_usd_m: 1000, assumption: toy}
    - {direction: irn_to_tur, sector: all, value_usd_m: 280, assumption: toy}
"""
"""A made-up scenario for a pair the AGTPA panel holds (figures invented for the test)."""


def test_normal_of_a_scenario_prints_its_briefing_line(write):
    path = write(TUR_IRN)
    result = invoke("normal", path, "--years", "2006")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Normal level (gravity, agtpa, 2006)" in text
    assert "the record (2006) is" in text and "the target is" in text
    doc = json.loads(invoke("normal", path, "--years", "2006", "-f", "json").stdout)
    assert doc["briefing"].startswith("Normal level (gravity, agtpa, 2006): ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("fit", "--terms", "log_dist,tariff"),
            "--terms: tariff: the panel has no covariate 'tariff'",
        ),
        (("fit", "--terms", "log_cntg"), "--terms: log_cntg: cntg is zero or negative in"),
        (("fit", "--years", "2006:1986"), "--years: '2006:1986' runs backwards"),
        (("fit", "--years", "1980"), "--years: the panel has no year 1980"),
        (("fit", "--years", "x"), "--years: expected a list 1986,1990 or a range"),
        (("fit", "--fe", "exporter,importer-year"), "--fe: use exporter-year,importer-year or"),
        (("fit", "--fe", "origin"), "--fe: unknown fixed effect 'origin'"),
        (("fit", "--panel", "baci"), "--panel: no panel 'baci' (panels: agtpa"),
        (
            ("fit", "--years", "2006", "--fe", "exporter-year,importer-year,pair"),
            "--fe: too many fixed effects: 4,830 for 4,692 flows",
        ),
        (
            ("fit", "--years", "2002,2006", "--fe", "exporter-year,importer-year,pair"),
            "--terms: log_dist, cntg, lang, clny: all collinear with the fixed effects",
        ),
        (
            ("fit", "--years", "2002,2006", "--terms", "log_dist,rta", "--fe", PAIR_FE),
            "--terms: log_dist: collinear with the fixed effects or the other terms",
        ),
        (("normal", "--economies", "TUR", "TUR", "--years", "2006"), "--economies: give two"),
        (
            ("normal", "--economies", "TUR", "IRN", "--years", "2006", "--year", "2005"),
            "--year: 2005",
        ),
        (("normal",), "--economies: give a SCENARIO or --economies A B"),
    ],
    ids=lambda v: v[1] if isinstance(v, tuple) and len(v) > 1 else str(v)[:30],
)
def test_bad_input_is_one_line_and_exit_2(args, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(expected), result.stderr


def _panel_file(tmp_path: Path, frame: pd.DataFrame) -> str:
    path = tmp_path / "tiny.csv"
    frame.to_csv(path, index=False)
    return str(path)


def _tiny(values: list[float], economies=("AAA", "BBB", "CCC")) -> pd.DataFrame:
    """A made-up panel (labelled so): every ordered pair of ``economies`` in 2000."""
    pairs = [(x, y) for x in economies for y in economies if x != y]
    return pd.DataFrame(
        {
            "exporter": [x for x, _ in pairs],
            "importer": [y for _, y in pairs],
            "year": 2000,
            "value_usd_m": values[: len(pairs)],
            "pair_id": [hash(frozenset(p)) % 1000 for p in pairs],
            "dist": [100.0 + 10 * i for i in range(len(pairs))],
        }
    )


def test_a_panel_too_small_to_fit_is_one_line(tmp_path):
    zeros = _panel_file(tmp_path, _tiny([0.0] * 6))
    result = invoke("fit", "--panel", zeros, "--terms", "log_dist")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "--panel: no variation: every flow in the sample is zero\n"
    one = _panel_file(
        tmp_path,
        pd.DataFrame(
            {"exporter": "AAA", "importer": "AAA", "year": [2000, 2001, 2002]}
            | {"value_usd_m": [1.0, 2.0, 3.0], "pair_id": 1, "dist": [10.0, 11.0, 12.0]}
        ),
    )
    result = invoke("fit", "--panel", one, "--terms", "log_dist", "--with-domestic")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("--panel: too small to fit: 1 economy")


NORMAL_ARGS = ("--economies", "TUR", "IRN", "--years", "2006", "--estimator", "ols", "-f", "json")


def test_no_library_output_reaches_the_streams():
    """The real command in its own process: warnings printed by numba or pyfixest itself
    would reach file descriptor 2, which an in-process runner does not see."""
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    done = subprocess.run(
        [sys.executable, "-m", "tradecalc", "gravity", "normal", *NORMAL_ARGS],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["pair"] == ["TUR", "IRN"]


def test_without_pyfixest_one_line_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyfixest", None)  # import pyfixest -> ImportError
    result = invoke("fit", "--years", "2006")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "gravity: needs pyfixest: pip install pyfixest "
        "(or pip install -e '.[gravity]' from a checkout)\n"
    )


def test_ols_normal_level_is_exp_of_its_linear_prediction(panel):
    """OLS: the zero flows are out of the fit and predicted from the same fixed effects; the
    normal level is exp of the linear prediction (recomputed here with pyfixest directly)."""
    import pyfixest

    info, frame = panel
    fit = gravity.fit(frame, gravity.GravitySpec(years=(2006,), estimator="ols"), info)
    flows = fit.flows
    assert (flows.in_fit == (flows.value_usd_m > 0)).all()
    assert flows.fitted_usd_m.notna().all()
    d = frame[(frame.year == 2006) & (frame.exporter != frame.importer)].copy()
    d = d[d.value_usd_m > 0]
    d["log_dist"], d["log_value"] = np.log(d["dist"]), np.log(d["value_usd_m"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = pyfixest.feols("log_value ~ log_dist + cntg + lang + clny | exporter + importer", d)
    d["mu"] = np.exp(np.asarray(model.predict()))
    pair = d[d.exporter.isin(["TUR", "IRN"]) & d.importer.isin(["TUR", "IRN"])]
    normal = normal_level(fit, "TUR", "IRN")
    assert normal.normal_usd_m == pytest.approx(pair.mu.sum(), rel=1e-6)


def test_briefing_line_of_a_pair_no_panel_holds_names_what_to_import():
    from tradecalc.analysis.gravity_brief import briefing_line
    from tradecalc.scenario.pipeline import load_with_tree

    scenario, _ = load_with_tree(str(ROOT / "scenarios" / "base.yaml"), None, ())
    label, text = no_normal_level_line(("PAK", "AZE"), ["agtpa"])
    assert briefing_line(scenario) == {
        "label": label,
        "text": text,
        "fact": "no panel holds both PAK and AZE",  # the brief's line: the fact, no advice
    }


def test_briefing_line_of_a_pair_in_agtpa_is_its_latest_normal_level(write, panel):
    """The header's line: the panel's latest year, exporter and importer effects; the same
    numbers as a fit made here with those options."""
    from tradecalc.analysis.gravity_brief import briefing_line
    from tradecalc.scenario.pipeline import load_with_tree

    scenario, _ = load_with_tree(write(TUR_IRN), None, ())
    line = briefing_line(scenario)
    label, text = line["label"], line["text"]
    assert line["fact"] == text  # all fact: nothing to advise
    info, frame = panel
    spec = gravity.GravitySpec(fixed_effects=("exporter", "importer"), years=(2006,))
    normal = normal_level(gravity.fit(frame, spec, info), "TUR", "IRN")
    assert label == "Normal level (gravity, agtpa, 2006)"
    assert text == normal_level_line(normal, 1280.0, 5000.0, 2006)[1]
    assert text.endswith(f"the target is {5000 / normal.normal_usd_m:.2g}{TIMES} it")


def test_briefing_line_reads_its_normal_level_back_from_the_cache(write, monkeypatch):
    """The second briefing of a pair fits nothing: the normal level comes from the user's cache
    (under the test's own XDG_CACHE_HOME)."""
    from tradecalc.analysis.gravity_brief import briefing_line
    from tradecalc.scenario.pipeline import load_with_tree

    scenario, _ = load_with_tree(write(TUR_IRN), None, ())
    first = briefing_line(scenario)

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted again")

    monkeypatch.setattr(gravity, "fit", no_fit)
    monkeypatch.setitem(sys.modules, "pyfixest", None)
    assert briefing_line(scenario) == first


def test_the_header_gives_the_normal_level_of_a_pair_the_panel_holds(tmp_path):
    """Issue 27 item 3: `project`'s header, the brief and the workbook carry one line with the
    pair's normal level; its figure is the one `gravity normal` gives for the briefing's fit
    (the panel's latest year, exporter and importer effects)."""
    from tests.helpers import run

    scenario = tmp_path / "tur-irn.yaml"
    made = run("init", "--economies", "TUR", "IRN", "--target", "5000", "--by", "2030",
               "-o", str(scenario))  # fmt: skip
    assert made.exit_code == 0, made.stderr
    normal = json.loads(
        run(
            "gravity",
            "normal",
            "--economies",
            "TUR",
            "IRN",
            "--years",
            "2006",
            "--fe",
            "exporter,importer",
            "-f",
            "json",
        ).stdout
    )
    doc = json.loads(run("project", str(scenario), "-f", "json").stdout)
    line = doc["normal_level"]
    assert line["label"] == "Normal level (gravity, agtpa, 2006)"
    assert line["text"].startswith(f"{normal['normal_usd_m']:,.1f} US$ m (P10")
    target = 5000 / normal["normal_usd_m"]  # the target's multiple of the normal level
    assert f"the target is {target:.1f}" in line["text"]
    table = run("project", str(scenario))
    assert "Normal level (gravity, agtpa, 2006)" in table.stdout
    brief = run("report", str(scenario), "-o", str(tmp_path / "b.html"))
    assert brief.exit_code == 0, brief.stderr
    assert "Normal level (gravity, agtpa, 2006)" in (tmp_path / "b.html").read_text()


def test_the_header_says_which_panel_to_import_where_none_holds_the_pair():
    from tests.helpers import run

    doc = json.loads(run("project", str(ROOT / "scenarios" / "base.yaml"), "-f", "json").stdout)
    assert doc["normal_level"]["label"] == "Normal level"
    assert "no panel holds both PAK and AZE" in doc["normal_level"]["text"]


def test_the_brief_gives_the_fact_and_the_header_the_advice_too(tmp_path):
    # the project header's line names what to fetch; the brief keeps to the fact (the
    # result's `fact`, not the text cut short), so its verdict block stays on the first page
    from tests.helpers import run

    base = str(ROOT / "scenarios" / "base.yaml")
    doc = json.loads(run("project", base, "-f", "json").stdout)
    assert doc["normal_level"]["fact"] == "no panel holds both PAK and AZE"
    assert run("report", base, "-o", str(tmp_path / "b.html")).exit_code == 0
    page = (tmp_path / "b.html").read_text()
    assert "<dd>no panel holds both PAK and AZE</dd>" in page and "looked in" not in page


def test_a_workbook_holds_the_fit_and_the_panels_attribution(tmp_path):
    # -o x.xlsx: the JSON document as a Summary sheet (the generic workbook of every result);
    # the estimate is the JSON's, to the last digit, and the attribution is on the sheet
    import openpyxl

    args = ("fit", "--years", "2006", "--fe", "exporter,importer")
    book = tmp_path / "fit.xlsx"
    assert invoke(*args, "-o", str(book)).exit_code == 0
    doc = json.loads(invoke(*args, "-f", "json").stdout)
    cells = dict(openpyxl.load_workbook(book)["Summary"].iter_rows(values_only=True))
    estimate = doc["coefficients"]["log_dist"]["estimate"]
    assert cells["coefficients.log_dist.estimate"] == estimate
    assert cells["panel.attribution"].startswith("AGTPA panel: manufacturing trade of 69")
