"""Shell workflow: compare, sweep, --set, stdin, --check, --output, schema, pipes and signals."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys

import pandas as pd
import pytest
from tests.conftest import ROOT, SCENARIOS, TOY
from tests.helpers import invoke
from typer.testing import CliRunner

from tradecalc import ScenarioError, load_scenario, project
from tradecalc.cli import commands as cli
from tradecalc.scenario.schema import json_schema

runner = CliRunner()


def ok(*args: str, input: str | None = None) -> str:
    result = invoke(*args, input=input)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


# --- compare ---------------------------------------------------------------------------------


def test_compare_json_shape_and_closest():
    doc = json.loads(ok("compare", *map(str, SCENARIOS), "-f", "json"))
    names = [s["name"] for s in doc["scenarios"]]
    assert len(names) == len(SCENARIOS)
    for summary in doc["scenarios"]:
        assert {
            "name",
            "path",
            "reached_year",
            "required_cagr",
            "measure_at_by_year_usd_m",
            "gap_at_by_year_usd_m",
        } <= set(summary)
        parts = summary["measure_parts_at_by_year"]
        assert sum(parts.values()) == pytest.approx(summary["measure_at_by_year_usd_m"])
    # only scenarios that count the same categories are ranked (issue 20 item 13): official-count
    # counts everything and so is left out, though its gap is the smallest
    same = [s for s in doc["scenarios"] if s["counts"] == ["goods", "energy"]]
    smallest_gap = min(same, key=lambda s: s["gap_at_by_year_usd_m"])
    assert doc["closest"] == smallest_gap["name"] == "Push to 2030"
    assert doc["closest_among"] == [s["name"] for s in same]
    assert {"year", "scenario", "measure_usd_m", "total_usd_m"} <= set(doc["years"][0])
    assert any("counted categories differ" in note for note in doc["notes"])


def test_compare_csv_reads_back_and_matches_project():
    paths = [str(p) for p in SCENARIOS[:2]]
    frame = pd.read_csv(io.StringIO(ok("compare", *paths, "-f", "csv")))
    assert list(frame.columns) == ["scenario", "path", "year", "measure_usd_m", "total_usd_m"]
    single = json.loads(ok("project", paths[0], "-f", "json"))
    mine = frame[frame.path == paths[0]].set_index("year")
    for row in single["years"]:
        assert mine.loc[row["year"], "measure_usd_m"] == pytest.approx(row["measure_usd_m"])


def test_compare_says_when_deadlines_differ(write):
    write(TOY, "a.yaml")
    write(TOY.replace("by_year: 2030", "by_year: 2028"), "b.yaml")
    table = ok("compare", "a.yaml", "b.yaml")
    assert "deadlines differ (Toy: 2030; Toy: 2028)" in " ".join(table.split())
    markdown = ok("compare", "a.yaml", "b.yaml", "-f", "markdown")
    assert "| Target | 2,000.0 by 2030 | 2,000.0 by 2028 |" in markdown


def test_compare_reports_problems_of_every_file(write):
    write("name: [\n", "a.yaml")
    result = invoke("compare", "a.yaml", "missing.yaml")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "a.yaml:2: YAML syntax error: expected the node content, but found '<stream end>' (column 1)",
        "missing.yaml: cannot read file: no such file",
    ]


# --- --set -----------------------------------------------------------------------------------


def measure_2030(*args: str) -> float:
    return json.loads(ok("project", *args, "-f", "json"))["target"]["measure_at_by_year_usd_m"]


def test_set_by_index_and_by_name_agree():
    base = "scenarios/base.yaml"
    by_index = measure_2030(base, "--set", "deals.5.probability=1")
    by_name = measure_2030(base, "--set", "deals.Pharma: direct medicine supply.probability=1")
    rows = pd.read_csv(io.StringIO(ok("project", base, "-f", "csv")))
    pharma = rows[(rows.year == 2030) & (rows.name == "Pharma: direct medicine supply")]
    # hand-computed: the expected path is linear in p, so p 0.3 -> 1 scales the deal by 1 / 0.3
    added = pharma.value_usd_m.sum() * (1 / 0.3 - 1)
    assert added > 1.0
    assert by_index == by_name == pytest.approx(measure_2030(base) + added)


def test_set_flow_by_direction_and_sector(write):
    write(TOY)
    grown = measure_2030("s.yaml", "--set", "baseline.flows.aze_to_pak/chemicals.growth=0.1")
    # hand-computed: 24.3 * 1.05**7 + 2.7 * 1.1**7
    assert grown == pytest.approx(24.3 * 1.05**7 + 2.7 * 1.1**7)


def test_set_null_restores_the_default(write):
    write(TOY + "pta: {start_year: 2025, utilization: 0.2}\n")
    doc = json.loads(ok("project", "s.yaml", "--set", "pta.utilization=null", "-f", "json"))
    assert any(a["path"] == "pta.utilization" for a in doc["assumptions"])  # default 0.7 shown


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (
            "pta.utilization",
            "--set pta.utilization: expected KEY=VALUE with a dotted KEY, e.g. pta.utilization=0.9",
        ),
        (
            "horizon=soon",
            "--set horizon=soon: horizon: input should be a valid integer, got 'soon'",
        ),
        (
            "deals.7.probability=1",
            "--set deals.7.probability=1: deals.7: no item 7: the list has 0",
        ),
        ("name.first=x", "--set name.first=x: name: is a single value: nothing to set inside it"),
        (
            "target.valeu_usd_m=5",
            "--set target.valeu_usd_m=5: target.valeu_usd_m: unknown key (did you mean 'value_usd_m'?)",
        ),
    ],
)
def test_bad_set_names_the_option(write, assignment, message):
    result = invoke("project", write(TOY), "--set", assignment)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message + "\n")


# --- stdin, --check, --output ----------------------------------------------------------------


def test_scenario_from_stdin_extends_from_the_working_directory(write):
    write(TOY, "base.yaml")
    doc = json.loads(ok("project", "-", "-f", "json", input="extends: base.yaml\nname: Piped\n"))
    assert doc["scenario"] == {**doc["scenario"], "name": "Piped", "path": "-"}
    assert doc["years"][0]["total_usd_m"] == pytest.approx(27.0)


def test_stdin_errors_are_labelled(write):
    result = invoke("project", "-", input="name: Toy\nhorizon: 2030\n")
    assert result.exit_code == 2
    assert "<stdin>:1: base_year: required key is missing" in result.stderr.splitlines()


def test_check_exit_status_both_ways(write):
    base = str(ROOT / "scenarios" / "base.yaml")
    missed = invoke("project", base, "--check", "-f", "json")
    plain = invoke("project", base, "-f", "json")
    assert missed.exit_code == 1 and missed.stdout == plain.stdout  # output unchanged
    reached = invoke("project", base, "--check", "--set", "target.value_usd_m=35")
    assert reached.exit_code == 0
    late = invoke("project", write(TOY), "--check", "--set", "target.value_usd_m=30")
    # hand-computed: 24.3 * 1.05**n + 2.7 reaches 30 in 2026, before the 2030 deadline
    assert late.exit_code == 0
    assert invoke("project", "s.yaml", "--check", "--set", "target.value_usd_m=40").exit_code == 1


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_output_writes_the_same_as_stdout(tmp_path, fmt):
    target = tmp_path / "out.txt"
    result = invoke("project", "scenarios/base.yaml", "-f", fmt, "-o", str(target))
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    if fmt != "table":  # the terminal table depends on the terminal's width
        assert target.read_text(encoding="utf-8") == ok("project", "scenarios/base.yaml", "-f", fmt)
    else:
        assert "Projection, US$ m" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_failed_run_leaves_an_existing_output_untouched(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("precious\n", encoding="utf-8")
    result = invoke(
        "project", "scenarios/base.yaml", "--set", "pta.utilization=9", "-o", str(target)
    )
    assert result.exit_code == 2
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_output_into_a_missing_folder_is_a_bad_argument(tmp_path):
    result = invoke("project", "scenarios/base.yaml", "-o", str(tmp_path / "no" / "x.json"))
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        result.stderr
        == f"--output {tmp_path / 'no' / 'x.json'}: no such folder: {tmp_path / 'no'}\n"
    )


# --- sweep -----------------------------------------------------------------------------------


def test_sweep_rows_match_single_projections(write):
    write(TOY)
    rows = json.loads(
        ok(
            "sweep",
            "s.yaml",
            "--grid",
            "deal_value_scale=0:1:2",
            "--grid",
            "baseline.flows.0.growth=0:0.1:3",
            "-f",
            "json",
        )
    )
    assert len(rows) == 2 * 3
    assert [(r["deal_value_scale"], r["baseline.flows.0.growth"]) for r in rows][:3] == [
        (0, 0.0),
        (0, 0.05),
        (0, 0.1),
    ]
    for row in rows:
        single = measure_2030(
            "s.yaml", "--set", f"baseline.flows.0.growth={row['baseline.flows.0.growth']}"
        )
        assert row["measure_at_by_year_usd_m"] == pytest.approx(single)
        assert row["gap_at_by_year_usd_m"] == pytest.approx(2000 - single)


def test_sweep_integer_grid_and_csv(write):
    write(
        TOY
        + "deals: [{name: D, direction: aze_to_pak, sector: energy, value_usd_m: 2000, start_year: 2024, probability: 1}]\n"
    )
    frame = pd.read_csv(
        io.StringIO(ok("sweep", "s.yaml", "--grid", "deals.D.start_year=2024:2030:7", "-f", "csv"))
    )
    assert list(frame.columns) == [
        "deals.D.start_year",
        "reached_year",
        "measure_at_by_year_usd_m",
        "gap_at_by_year_usd_m",
    ]
    # a $2,000 m deal in full from its start year reaches the target in that year
    assert (
        frame["deals.D.start_year"].tolist()
        == frame["reached_year"].tolist()
        == list(range(2024, 2031))
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "pta.utilization=0:1",
            "--grid pta.utilization=0:1: expected KEY=START:STOP:N, e.g. pta.utilization=0.5:0.9:5",
        ),
        (
            "deal_value_scale=a:1:3",
            "--grid deal_value_scale=a:1:3: deal_value_scale: START and STOP must be numbers and N a whole number",
        ),
        (
            "deal_value_scale=-1:1:3",
            "--grid deal_value_scale=-1: deal_value_scale: input should be greater than or equal to 0, got -1",
        ),
    ],
)
def test_bad_grid_exits_2(write, spec, message):
    result = invoke("sweep", write(TOY), "--grid", spec)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message + "\n")


# --- schema ----------------------------------------------------------------------------------


def test_schema_file_is_current():
    printed = json.loads(ok("schema"))
    assert printed == json_schema()
    committed = json.loads((ROOT / "schema" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert committed == printed, "regenerate: tradecalc schema > schema/scenario.schema.json"
    full = printed["$defs"]["Scenario"]["properties"]
    assert {"name", "base_year", "horizon", "target", "baseline", "extends"} <= set(full)
    assert set(printed["$defs"]["Scenario"]["required"]) >= {"name", "baseline", "target"}
    assert "required" not in printed["$defs"]["PartialScenario"]["properties"]["baseline"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenarios_point_at_the_schema(scenario):
    first = scenario.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/scenario.schema.json"


# --- real processes: colour, pipes, signals --------------------------------------------------


def tradecalc(*args: str) -> list[str]:
    return [sys.executable, "-m", "tradecalc", *args]


def test_pipeline_through_jq():
    done = subprocess.run(
        "set -o pipefail; "
        + " ".join(tradecalc("project", "scenarios/base.yaml", "-f", "json"))
        + " | jq -r '.years[0].measure_usd_m'",
        shell=True,
        executable="/bin/bash",
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "27\n", "")


def test_no_colour_codes_when_piped():
    done = subprocess.run(
        tradecalc("project", "scenarios/base.yaml"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TERM": "xterm"},
    )
    assert "\x1b[" not in done.stdout and done.stderr == ""


def run_on_a_terminal(env: dict) -> str:
    main, follower = pty.openpty()
    with subprocess.Popen(
        tradecalc("project", "scenarios/base.yaml"),
        cwd=ROOT,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait()
    os.close(main)
    return b"".join(chunks).decode()


COLOUR = re.compile(r"\x1b\[[0-9;]*?(?:3[0-8]|9[0-7])[;m]")  # SGR foreground colours


def test_colour_on_a_terminal_unless_no_color():
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm-256color"
    assert COLOUR.search(run_on_a_terminal(env))
    plain = run_on_a_terminal({**env, "NO_COLOR": "1"})
    assert "Projection, US$ m" in plain and not COLOUR.search(plain)


@pytest.mark.slow
def test_broken_pipe_is_quiet():
    with subprocess.Popen(
        tradecalc(
            "sweep", "scenarios/base.yaml", "--grid", "deal_value_scale=0:1:3000", "-f", "csv"
        ),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout.readline().startswith(b"deal_value_scale,")
        process.stdout.close()
        stderr = process.stderr.read()
        process.wait()
    assert stderr == b""


def test_interrupt_exits_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("tradecalc.scenario.pipeline.load_with_tree", interrupted)
    monkeypatch.setattr(sys, "argv", ["tradecalc", "project", "scenarios/base.yaml"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 130
    assert capsys.readouterr().out == ""


def test_every_command_help_has_an_example():
    for command in ["compare", "sweep", "schema", "project", "validate"]:
        text = ok(command, "--help")
        assert "Example:" in text and f"tradecalc {command}" in text


COMMANDS = {
    "project": ["project", "scenarios/base.yaml"],
    "compare": ["compare", "scenarios/base.yaml", "scenarios/push-2030.yaml"],
    "sweep": ["sweep", "scenarios/base.yaml", "--grid", "deal_value_scale=0:2:3"],
    "simulate": ["simulate", "scenarios/base.yaml", "--draws", "500"],
    "solve": ["solve", "scenarios/base.yaml", "--param", "baseline.flows.0.growth"],
    "sensitivity": ["sensitivity", "scenarios/base.yaml"],
    "explain": ["explain", "scenarios/base.yaml"],
}


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_in_every_format(command, fmt):
    stdout = ok(*COMMANDS[command], "-f", fmt)
    if fmt == "json":
        assert json.loads(stdout)
    elif fmt == "csv":
        frame = pd.read_csv(io.StringIO(stdout))
        assert len(frame) >= 1 and not frame.columns.str.startswith("Unnamed").any()
    elif fmt == "markdown":
        assert stdout.startswith("## ")
    else:
        assert stdout.strip()


# Hostile input (issue 7): never crash, never hang, never lose a file, never print unsafe text.
# The corpus under tests/bad_inputs/ holds one hostile input per file, each with a first line
# ``# expect: what it is`` and optionally ``# run: ARGS`` (default ``project FILE``); files
# under tests/bad_inputs/parts/ are what they extend. Every one must exit 2 with nothing on
# stdout and only well-formed lines on stderr, fast.


BASE = str(ROOT / "scenarios" / "base.yaml")


def test_scenario_replace_validates():
    s = load_scenario(BASE)
    with pytest.raises(ScenarioError) as error:
        s.replace(deal_value_scale=-1)
    assert str(error.value) == (
        "Scenario.replace: deal_value_scale: input should be greater than or equal to 0, got -1"
    )
    half = s.replace(deal_value_scale=0.5)
    assert half.deal_value_scale == 0.5 and half.deals == s.deals
    via_overrides = project(BASE, overrides=["deal_value_scale=0.5"])
    assert project(half).measure_at_by_year == via_overrides.measure_at_by_year
    with pytest.raises(ScenarioError):
        s.replace(target={"value_usd_m": 100, "by_year": 2020})  # deadline before base year
