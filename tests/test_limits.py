"""Size and magnitude limits: overflow, huge grids and draw counts are refused in one line; large
scenarios run in bounded memory in fixed chunks; subnormal values run quietly (issues 7 and 20)."""

from __future__ import annotations

import json

import pytest
from tests.conftest import ROOT, SCENARIOS, TOY
from tests.helpers import fails, invoke
from typer.testing import CliRunner

from tradecalc import load_scenario
from tradecalc.cli.commands import app

runner = CliRunner()


BASE = str(ROOT / "scenarios" / "base.yaml")


EXTREME = """\
name: Extreme
base_year: 2023
horizon: 2123
target: {value_usd_m: 100}
elasticities: {default: 50}
baseline: {flows: [{direction: pak_to_aze, sector: a, value_usd_m: 1e9, growth: 10, assumption: x}]}
pta: {start_year: 2024, lines: [{direction: pak_to_aze, sector: a, mfn_tariff: 10}], utilization: 1}
tta: {start_year: 2024, transit_days_before: 3650, transit_days_after: 0, method: ave, per_day: 1}
"""


OVERFLOW = "results are too large to compute (not finite): check extreme values, growth rates, tariffs or elasticities"


def test_overflow_is_refused_by_every_command(write):
    write(EXTREME)
    for args, first in (
        (["sweep", "s.yaml", "--grid", "pta.utilization=0:1:2"], "s.yaml: at pta.utilization=1: "),
        (["sensitivity", "s.yaml"], "s.yaml: "),
        (["solve", "s.yaml", "--param", "pta.utilization"], "--param pta.utilization=1: "),
        (["compare", "s.yaml"], "s.yaml: "),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and result.stdout == "", args
        # the file's percentage warnings may come first; then the one refusal
        errors = [line for line in result.stderr.splitlines() if ": warning: " not in line]
        assert errors == [first + OVERFLOW], args


def big(deals: int, years: int) -> str:
    """A valid scenario with many deals over a long horizon (about 120 bytes a deal)."""
    head = TOY.replace("horizon: 2030", f"horizon: {2023 + years}").replace(
        "by_year: 2030", f"by_year: {2023 + years}"
    )
    rows = "".join(
        f"  - {{name: d{k}, direction: aze_to_pak, sector: chemicals, value_usd_m: 1, "
        f"start_year: 2025, probability: 0.5, assumption: a}}\n"
        for k in range(deals)
    )
    return head + "deals:\n" + rows


@pytest.mark.slow
def test_large_scenarios_run_in_bounded_memory_or_are_refused(write):
    import tracemalloc

    from tradecalc.engine import budget
    from tradecalc.engine.montecarlo import CHUNK, monte_carlo

    scenario = load_scenario(write(big(2700, 100)))
    from tradecalc.engine.evaluate import compile_scenario

    layout, _ = compile_scenario(scenario)
    # 2,702 items x 101 years x 24 bytes: about 6.5 MB a draw, so 40 draws per engine call
    assert budget.chunk_size(layout, CHUNK) == 256 * 2**20 // (2702 * 101 * 24) == 40
    tracemalloc.start()
    result = monte_carlo(scenario, 400, 1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.draws == 400 and peak < 400 * 2**20  # was 2,000 draws at once: 4.4 GB
    refused = runner.invoke(app, ["sensitivity", "s.yaml"])
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.startswith("sensitivity: 5,403 runs of 2,702 flows, lines and deals")
    assert refused.stderr.endswith("reduce the deals, the flows or the horizon\n")
    refused = runner.invoke(app, ["simulate", "s.yaml", "--draws", "20000"])
    assert refused.stderr.startswith("--draws: 20,000 runs of 2,702")


def test_shipped_scenarios_keep_the_fixed_chunk():
    """The chunk size fixes the random stream: it must not change for ordinary scenarios."""
    from tradecalc.engine import budget
    from tradecalc.engine.evaluate import compile_scenario
    from tradecalc.engine.montecarlo import CHUNK

    for path in SCENARIOS:
        layout, _ = compile_scenario(load_scenario(path))
        assert budget.chunk_size(layout, CHUNK) == CHUNK


def test_sweep_in_chunks_gives_the_same_rows(monkeypatch):
    from tradecalc.analysis import sweep
    from tradecalc.scenario.pipeline import read_merged_tree

    tree = read_merged_tree(BASE)
    axes = [
        sweep.GridAxis.parse("pta.utilization=0:1:7"),
        sweep.GridAxis.parse("horizon=2034:2036:3"),
    ]
    whole = sweep.run_sweep(tree, axes)
    monkeypatch.setattr(sweep, "CHUNK", 4)
    assert sweep.run_sweep(tree, axes) == whole and len(whole) == 21


# Odd and hostile input found in review: one clear line and exit 2, never a traceback.


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


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


@pytest.mark.parametrize("field", ["target.value_usd_m", "baseline.flows.0.value_usd_m"])
def test_a_subnormal_value_runs_quietly(field):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = invoke("project", BASE, "--set", f"{field}=1e-320", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [str(w.message) for w in caught] == []
    assert "Warning" not in result.stderr
    json.loads(result.stdout)
