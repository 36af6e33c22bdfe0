"""`tradecalc solve`: any numeric parameter, a defaulted one, one set from history (issue 20)."""

from __future__ import annotations

import json

import pytest
from tests.conftest import ROOT, TOY
from tests.helpers import invoke
from typer.testing import CliRunner

from tradecalc.cli.commands import app

runner = CliRunner()


BASE = str(ROOT / "scenarios" / "base.yaml")


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


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


def test_solve_a_parameter_set_to_from_history():
    """base.yaml has `shock_sd: from_history`: the search runs over the field's range [0, 3]."""
    result = invoke("solve", BASE, "--param", "uncertainty.shock_sd", "-f", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1, result.stderr  # the central path does not move with shock_sd
    doc = json.loads(result.stdout)
    assert doc["reached"] is False and (doc["low"], doc["high"]) == (0.0, 3.0)
