"""`tradecalc baserate`: the reference class counted exactly on a hand-made panel, the shipped
AGTPA panel by default, the formats, and bad input.

The hand panel (``HAND``) is MADE UP; its answer is worked out by hand below. The AGTPA count
is checked against a second, independent count in pandas (a plain loop over pairs).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tradecalc.cli.commands import app

# exporter, importer, year, value_usd_m. A file panel states no absence rule: a year of a pair
# is known only where both directions have a row.
HAND = """\
exporter,importer,year,value_usd_m
AAA,BBB,2000,6
BBB,AAA,2000,4
AAA,BBB,2001,8
BBB,AAA,2001,4
AAA,BBB,2002,15
BBB,AAA,2002,5
AAA,BBB,2003,10
BBB,AAA,2003,2
AAA,BBB,2004,30
BBB,AAA,2004,10
AAA,CCC,2000,3
CCC,AAA,2000,3
AAA,CCC,2001,5
CCC,AAA,2001,5
CCC,AAA,2002,9
AAA,CCC,2003,4
CCC,AAA,2003,4
AAA,CCC,2004,10
CCC,AAA,2004,10
CCC,DDD,2000,5
DDD,CCC,2000,0
CCC,DDD,2001,2
DDD,CCC,2001,0
CCC,DDD,2002,12
DDD,CCC,2002,0
CCC,DDD,2003,4
DDD,CCC,2003,1
CCC,DDD,2004,7
AAA,DDD,2000,0
DDD,AAA,2000,0
AAA,DDD,2001,0
DDD,AAA,2001,0
AAA,DDD,2002,0
DDD,AAA,2002,0
AAA,AAA,2000,10
AAA,AAA,2001,10
AAA,AAA,2002,10
AAA,AAA,2003,10
"""
# B 10, T 20 (R = 2), H 2, K 2: the band is [5, 20], ends included.
# AAA-BBB sums: 10, 12, 20, 12, 40 (2000-2004).
#   t 2000: V 10, max(12, 20) = 20 >= 2 x 10: success
#   t 2001: V 12, max(20, 12) = 20 <  24:      failure
#   t 2002: V 20 (the band's top), max(12, 40) = 40 >= 40: success
#   t 2003, 2004: no t+2 in the panel.
# AAA-CCC: 2002 has only CCC->AAA, so 2002 is unknown: no window reaches over it
#   (t 2000 and 2001 need 2002; t 2003 needs 2005). Zero windows.
# CCC-DDD sums: 5, 2, 12, 5, and 2004 unknown (DDD->CCC missing).
#   t 2000: V 5 (the band's bottom), max(2, 12) = 12 >= 10: success
#   t 2001: V 2 below the band; t 2002 needs 2004; t 2003 needs 2005.
# AAA-DDD: zeros, below the band. AAA-AAA: domestic, never a pair (10 would be in the band).
# So: 4 windows, 2 pairs, 3 successes, 2 successful pairs, rate 3 / 4.
# Multiples: 2, 20/12, 2, 12/5 -> sorted 1.667, 2, 2, 2.4:
#   P50 = 2; P90 at rank 0.9 x 3 = 2.7: 2 + 0.7 x 0.4 = 2.28; P99: 2 + 0.97 x 0.4 = 2.388;
#   max 2.4 (numpy's linear interpolation, Hyndman & Fan type 7).
# Annual changes starting in the band (both years known, both values positive):
#   AAA-BBB 2000->01 (10), 01->02 (12), 02->03 (20), 03->04 (12): 4
#   AAA-CCC 2000->01 (6), 03->04 (8): 2 (2002 unknown)
#   CCC-DDD 2000->01 (5), 02->03 (12): 2 (01->02 starts at 2; 2004 unknown)
#   -> 8 changes of 3 pairs.


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def hand(tmp_path) -> Path:
    path = tmp_path / "hand.csv"
    path.write_text(HAND, encoding="utf-8")
    return path


def wilson(k: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson's interval written out again (Wilson 1927), independent of model.rates."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_exact_counts_on_a_hand_made_panel(hand):
    code, out, err = run(
        "baserate", "--panel", hand, "--base", 10, "--target", 20, "--horizon", 2, "-f", "json"
    )
    assert (code, err) == (0, "")
    doc = json.loads(out)
    counts = [doc[k] for k in ("windows", "pairs", "successes", "successful_pairs")]
    assert counts == [4, 2, 3, 2]
    assert abs(doc["rate"] - 0.75) < 1e-12
    assert doc["size_band_usd_m"] == [5.0, 20.0] and doc["multiple"] == 2.0
    assert doc["rate_interval"] == pytest.approx(wilson(3, 4), abs=1e-12)
    q = doc["multiple_quantiles"]
    assert [q["p50"], q["p90"], q["p99"], q["max"]] == pytest.approx([2.0, 2.28, 2.388, 2.4])
    assert (doc["shock_sd"]["changes"], doc["shock_sd"]["pairs"]) == (8, 3)
    assert doc["panel"]["years"] == [2000, 2004]
    assert doc["panel"]["window_start_years"] == [2000, 2002]
    assert doc["model"] is None


def test_json_keys_are_the_issues(hand):
    code, out, _ = run("baserate", "--panel", hand, "--base", 10, "--target", 20, "--horizon", 2,
                       "-f", "json")  # fmt: skip
    assert code == 0
    keys = {"panel", "base_usd_m", "target_usd_m", "multiple", "horizon", "size_band_usd_m",
            "windows", "pairs", "successes", "successful_pairs", "rate", "rate_interval",
            "multiple_quantiles", "shock_sd", "model"}  # fmt: skip
    doc = json.loads(out)
    # the issue's keys, and the pair-clustered interval it welcomes beside rate_interval
    assert set(doc) == keys | {"rate_interval_clustered"}
    assert {"id", "title", "years"} <= set(doc["panel"])
    assert {"estimate", "changes", "pairs"} <= set(doc["shock_sd"])


def test_a_zero_rule_panel_counts_the_missing_row_as_zero(hand, tmp_path):
    """The same flows as a Parquet file of a source whose absence means zero (BACI's rule):
    AAA-CCC's 2002 becomes 9 (CCC->AAA only), so it adds 3 windows (V 6, 10, 9), of which
    t 2002 succeeds (max(8, 20) = 20 >= 18); CCC-DDD's 2004 becomes 7 (no longer unknown),
    adding t 2002 (V 12, max(5, 7) = 7 < 24): 8 windows, 3 pairs, 4 successes."""
    from tradecalc.analysis.baserate import base_rate
    from tradecalc.panel.catalog import file_info

    ref = replace(file_info(hand), absence="zero")
    result = base_rate(ref, 10.0, 20.0, 2, 2.0)
    assert result.counts() == {"windows": 8, "pairs": 3, "successes": 4, "successful_pairs": 3}


def test_csv_lists_every_window(hand):
    code, out, _ = run("baserate", "--panel", hand, "--base", 10, "--target", 20,
                       "--horizon", 2, "-f", "csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 4
    assert [(r["economy_a"], r["economy_b"], r["start_year"], r["success"]) for r in rows] == [
        ("AAA", "BBB", "2000", "True"),
        ("AAA", "BBB", "2001", "False"),
        ("AAA", "BBB", "2002", "True"),
        ("CCC", "DDD", "2000", "True"),
    ]


def test_without_panel_it_uses_agtpa_and_says_so(panel_store):
    code, out, err = run(
        "baserate", "--base", 27, "--target", 2000, "--horizon", 7, "-f", "markdown"
    )
    assert (code, err) == (0, "")
    assert "AGTPA panel" in out and "no --panel given: the shipped panel" in out
    assert "CC BY 4.0" in out  # the attribution every output using it prints
    code, out, _ = run("baserate", "--base", 27, "--target", 2000, "--horizon", 7, "-f", "json")
    assert json.loads(out)["panel"]["id"] == "agtpa"


def test_a_scenario_gives_base_target_and_horizon():
    """scenarios/base.yaml: 27.0 in 2023 (its customs-comparable measure), 2,000 by 2030."""
    root = Path(__file__).resolve().parents[1]
    code, out, _ = run("baserate", root / "scenarios" / "base.yaml", "-f", "json")
    doc = json.loads(out)
    assert code == 0
    assert (doc["base_usd_m"], doc["target_usd_m"], doc["horizon"]) == (27.0, 2000.0, 7)


def agtpa_pair_series():
    """The pair series of AGTPA, counted with pandas: both directions summed, no domestic."""
    import pandas as pd

    from tradecalc.panel.catalog import resolve

    path = resolve("agtpa").path / "flows.parquet"
    flows = pd.read_parquet(path, columns=["exporter", "importer", "year", "value_usd_m"])
    flows = flows[flows.exporter != flows.importer]
    a = flows[["exporter", "importer"]].min(axis=1)
    b = flows[["exporter", "importer"]].max(axis=1)
    return flows.assign(a=a, b=b).groupby(["a", "b", "year"]).value_usd_m.sum()


def test_agtpa_count_matches_an_independent_count():
    """Every pair and year is present in AGTPA, so the class is every (pair, t <= 2006 - H)."""
    from tradecalc.analysis.baserate import base_rate
    from tradecalc.panel.catalog import resolve

    series = agtpa_pair_series()
    base, target, h, k = 27.0, 2000.0, 7, 2.0
    windows = successes = 0
    pairs, won = set(), set()
    for pair, s in series.groupby(level=[0, 1]):
        v = s.to_numpy()
        for i in range(len(v) - h):
            if base / k <= v[i] <= base * k:
                windows += 1
                pairs.add(pair)
                if v[i + 1 : i + h + 1].max() >= target / base * v[i]:
                    successes += 1
                    won.add(pair)
    got = base_rate(resolve("agtpa"), base, target, h, k)
    expected = {"windows": windows, "pairs": len(pairs), "successes": successes,
                "successful_pairs": len(won)}  # fmt: skip
    assert got.counts() == expected
    assert abs(got.rate - successes / windows) < 1e-12


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--base", "-1", "--target", "20", "--horizon", "2"], "--base: must be a positive"),
        (["--base", "10", "--target", "nan", "--horizon", "2"], "--target: must be a positive"),
        (["--base", "10", "--target", "20"], "--horizon: missing"),
        (["--base", "10", "--target", "20", "--horizon", "2", "--panel", "nope.parquet"],
         "nope.parquet: no such file"),
        (["--base", "10", "--target", "20", "--horizon", "2", "--panel", "nope"],
         "--panel: no panel 'nope' (panels: agtpa; or a .csv/.parquet FILE)"),
        (["--base", "10", "--target", "20", "--horizon", "2", "--band", "1"],
         "--band: must be a number above 1"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(args, line, tmp_path, monkeypatch, panel_store):
    monkeypatch.chdir(tmp_path)
    code, out, err = run("baserate", *args)
    assert code == 2 and out == ""
    assert err.startswith(line) and err.count("\n") == 1


def test_a_scenario_and_numbers_together_is_refused():
    root = Path(__file__).resolve().parents[1]
    code, out, err = run("baserate", root / "scenarios" / "base.yaml", "--base", 10)
    assert (code, out) == (2, "")
    assert err == "--base: not with a SCENARIO (it gives B, T and H)\n"


def test_plot_draws_the_multiples(hand, tmp_path):
    pytest.importorskip("matplotlib")
    chart = tmp_path / "m.svg"
    code, _, err = run("baserate", "--panel", hand, "--base", 10, "--target", 20,
                       "--horizon", 2, "--plot", chart)  # fmt: skip
    assert (code, err) == (0, "")
    assert chart.read_text(encoding="utf-8").startswith("<?xml")


def test_the_result_frame_is_the_csv(hand):
    from tradecalc.analysis.baserate import base_rate
    from tradecalc.panel.catalog import file_info

    result = base_rate(file_info(hand), 10.0, 20.0, 2)
    frame = result.frame
    assert list(frame.columns) == list(result.columns)
    assert np.allclose(frame.multiple, [2.0, 20 / 12, 2.0, 2.4])


def test_an_empty_reference_class_warns_once_and_gives_no_rate(hand, tmp_path):
    """B = 1,000 on the hand panel: no pair's trade was within a factor 2 of it."""
    pytest.importorskip("matplotlib")
    chart = tmp_path / "empty.svg"
    code, out, err = run("baserate", "--panel", hand, "--base", 1000, "--target", 2000,
                         "--horizon", 2, "--calibrate", "-f", "json", "--plot", chart)  # fmt: skip
    assert code == 0 and chart.exists()
    assert err == (
        "--base: warning: no pair of panel 'hand' traded US$ 500.0-2,000.0 m with 2 known "
        "years after: no window, no rate\n"
    )
    doc = json.loads(out)
    assert (doc["windows"], doc["rate"], doc["rate_interval"]) == (0, None, None)
    assert doc["model"]["windows_scored"] == 0 and doc["model"]["probability"] is None


def test_a_panel_whose_values_are_not_numbers_is_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("exporter,importer,year,value_usd_m\nAUS,AUT,2000,abc\nAUT,AUS,2000,1\n")
    code, out, err = run("baserate", "--panel", bad, "--base", 1, "--target", 2, "--horizon", 1)
    assert (code, out) == (2, "")
    assert err == f"{bad}:2: value_usd_m: not a number: abc\n"  # the panel file's own check


def test_a_scenario_with_nothing_in_its_base_year_has_no_multiple(write):
    from tests.conftest import TOY

    path = write(
        TOY.replace("value_usd_m: 24.3", "value_usd_m: 0").replace(
            "value_usd_m: 2.7", "value_usd_m: 0"
        )
    )
    code, out, err = run("baserate", path, "--panel", "agtpa")
    assert (code, out) == (2, "")
    assert err == f"{path}: baseline: the measure in the base year is 0: no multiple to count\n"
