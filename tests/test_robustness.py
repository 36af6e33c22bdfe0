"""Odd and hostile input found in review: one clear line and exit 2, never a traceback."""

from __future__ import annotations

import json
import os
import stat

import pytest
from tests.conftest import ROOT, TOY
from typer.testing import CliRunner

from tradecalc import ScenarioError, load_scenario
from tradecalc.cli.commands import app

runner = CliRunner()
BASE = str(ROOT / "scenarios" / "base.yaml")


def fails(*args: str, input: str | bytes | None = None) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: x\nd: 2024-02-30\n",
            "<stdin>:2: d: cannot read '2024-02-30': day is out of range for month",
        ),
        ("name: &a [*a]\n", None),  # an alias inside itself
        ("name: " + "[" * 200 + "]" * 200 + "\n", None),  # nested far too deep
        ("n: " + "9" * 5000 + "\n", None),  # an integer too long to read
    ],
)
def test_odd_yaml_is_one_line(text, message):
    stderr = fails("validate", "-", input=text)
    assert len(stderr.splitlines()) == 1
    if message:
        assert stderr == message + "\n"
    else:
        assert stderr.startswith("<stdin>")


def test_non_utf8_and_oversized_stdin():
    assert fails("project", "-", input=b"name: \xff\n") == "<stdin>:1: not UTF-8 text (byte 0xff)\n"
    assert fails("project", "-", input=b"#" * 5_000_001) == (
        "<stdin>: larger than 5,000,000 bytes\n"
    )


def test_merge_keys_can_be_overridden():
    from tradecalc.scenario.yamlread import parse_yaml

    doc = parse_yaml("a: &c {x: 1, y: 2}\nb:\n  <<: *c\n  x: 5\n", "m.yaml")
    assert doc["b"] == {"x": 5, "y": 2}
    with pytest.raises(ScenarioError):
        parse_yaml("b:\n  x: 1\n  x: 2\n", "m.yaml")  # a mapping's own duplicate stays an error


def test_plain_exponent_numbers_are_numbers(write):
    s = load_scenario(
        write(
            TOY.replace("value_usd_m: 24.3", "value_usd_m: 2.43e1").replace(
                "value_usd_m: 2000", "value_usd_m: 2e3"
            )
        )
    )
    assert s.target.value_usd_m == 2000.0 and s.baseline.flows[0].value_usd_m == 24.3


def test_markup_characters_in_names_and_paths(write):
    write(TOY.replace("name: Toy", 'name: "Case [/b] x [draft]"'), "x[b].yaml")
    for command in (
        ["compare", "x[b].yaml", "x[b].yaml"],
        ["project", "x[b].yaml"],
        ["sweep", "x[b].yaml", "--grid", "deal_value_scale=0:1:2"],
    ):
        result = runner.invoke(app, command, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
    assert "Case [/b] x [draft]" in runner.invoke(app, ["project", "x[b].yaml"]).stdout


def test_huge_grids_and_draw_counts_are_refused():
    assert fails("sweep", BASE, "--grid", "pta.utilization=0:1:10000000000000") == (
        "--grid pta.utilization=0:1:10000000000000: pta.utilization: START and STOP must be "
        "finite and N from 1 to 100,000\n"
    )
    assert fails(
        "sweep", BASE, "--grid", "pta.utilization=0:1:1000", "--grid", "deal_value_scale=0:1:1000"
    ) == ("--grid: 1,000,000 grid points; at most 100,000\n")
    assert fails("simulate", BASE, "--draws", "100000000000") == (
        "--draws: at most 2,307,692 draws for 13 years, got 100,000,000,000\n"
    )


def test_results_that_overflow_are_refused(write):
    text = """\
name: Extreme
base_year: 2023
horizon: 2123
target: {value_usd_m: 100}
elasticities: {default: 50}
baseline: {flows: [{direction: pak_to_aze, sector: a, value_usd_m: 1e9, growth: 10}]}
pta: {start_year: 2024, lines: [{direction: pak_to_aze, sector: a, mfn_tariff: 10}], utilization: 1}
tta: {start_year: 2024, transit_days_before: 3650, transit_days_after: 0, method: ave, per_day: 1}
"""
    message = (  # the percentage warnings first (exit status unchanged), then the refusal
        "s.yaml:6: baseline.flows.0.growth: warning: 10 looks like a percentage: values are "
        "fractions, 15 % is 0.15\n"
        "s.yaml:7: pta.lines.0.mfn_tariff: warning: 10 looks like a percentage: values are "
        "fractions, 15 % is 0.15\n"
        "s.yaml: results are too large to compute (not finite): check extreme values, "
        "growth rates, tariffs or elasticities\n"
    )
    assert fails("project", write(text)) == message
    assert fails("simulate", "s.yaml", "--draws", "10") == message


def test_impossible_magnitudes_are_validation_errors(write):
    assert fails("project", write(TOY), "--set", "baseline.flows.0.value_usd_m=1e308") == (
        "--set baseline.flows.0.value_usd_m=1e308: baseline.flows.0.value_usd_m: input should be "
        "less than or equal to 1000000000, got 1e+308\n"
    )


def test_extends_keeps_two_lines_on_one_flow(write):
    write(
        TOY
        + "pta: {start_year: 2025, lines: [{direction: pak_to_aze, sector: textiles, coverage: 0.4, mfn_tariff: 0.15}]}\n",
        "base.yaml",
    )
    write("""\
extends: base.yaml
pta:
  lines:
    - {direction: pak_to_aze, sector: textiles, coverage: 0.3}
    - {direction: pak_to_aze, sector: textiles, coverage: 0.5, mfn_tariff: 0.1}
""")
    lines = load_scenario("s.yaml").pta.lines
    # the first child line merges into the parent's line, the second is added
    assert [(ln.coverage, ln.mfn_tariff) for ln in lines] == [(0.3, 0.15), (0.5, 0.1)]
    assert fails("project", "s.yaml", "--set", "pta.lines.pak_to_aze/textiles.coverage=0.1") == (
        "--set pta.lines.pak_to_aze/textiles.coverage=0.1: pta.lines.pak_to_aze/textiles: "
        "2 items are named 'pak_to_aze/textiles': use the index instead\n"
    )


@pytest.mark.parametrize(
    "param",
    [
        "pta.phase_in_years",
        "tariff_changes.0.coverage",
        "deals.0.ramp_years",
        "target.by_year",
        "deals.2.end_year",
        "tta.transit_days_before",
        "pta.lines.0.preferential_tariff",
        "pta.utilization",
        "elasticities.default",
        "horizon",
    ],
)
def test_solve_accepts_any_numeric_parameter(param):
    result = runner.invoke(app, ["solve", BASE, "--param", param, "-f", "json"])
    assert result.exit_code in (0, 1), result.stderr  # found, or honestly not in range
    doc = json.loads(result.stdout)
    assert doc["low"] < doc["high"]


def test_solve_a_defaulted_parameter(write):
    text = (
        TOY
        + "pta: {start_year: 2025, lines: [{direction: pak_to_aze, sector: textiles, mfn_tariff: 0.15}]}\n"
    )
    result = runner.invoke(app, ["solve", write(text), "--param", "pta.utilization", "-f", "json"])
    assert result.exit_code == 1  # utilisation alone cannot reach $2 bn from 27 m
    assert json.loads(result.stdout)["note"] == "not reached anywhere in [0, 1]"


def test_output_keeps_permissions_and_follows_links(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert runner.invoke(app, ["project", BASE, "-f", "json", "-o", str(link)]).exit_code == 0
    assert link.is_symlink()
    assert json.loads(target.read_text())["scenario"]["name"] == "Base case"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "new.json"
    umask = os.umask(0o022)
    try:
        assert runner.invoke(app, ["project", BASE, "-f", "json", "-o", str(fresh)]).exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
