"""The command line: formats, exit codes, stdout as data, help texts, a golden table."""

from __future__ import annotations

import builtins
import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from rich.console import Console
from tests.conftest import ROOT, SCENARIOS, TOY
from tests.helpers import invoke, ok
from typer.testing import CliRunner

import tradecalc
from tradecalc import project
from tradecalc.cli.commands import app
from tradecalc.views import project_view, render

runner = CliRunner()
GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_shipped_scenarios_run_in_every_format(scenario, fmt):
    result = invoke("project", str(scenario), "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip()
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert doc["scenario"]["path"] == str(scenario)
        assert doc["unsourced"] == []  # shipped scenarios source or assume every flow and deal
    elif fmt == "markdown":
        assert result.stdout.startswith("## ")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenarios_validate_strictly(scenario):
    result = invoke("validate", "--strict", str(scenario))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_csv_rows_sum_to_json_totals(scenario):
    doc = json.loads(invoke("project", str(scenario), "-f", "json").stdout)
    frame = pd.read_csv(io.StringIO(invoke("project", str(scenario), "-f", "csv").stdout))
    assert list(frame.columns) == [
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
    assert set(frame.component) <= {"observed", "baseline", "pta", "tariff_change", "tta", "deal"}
    observed = frame[frame.component == "observed"]
    assert observed.value_usd_m.sum() == pytest.approx(
        sum(h["total_usd_m"] + sum(v for v in h["by_direction_usd_m"].values() if v is not None)
            for h in doc["history"])
    )  # fmt: skip
    projected = frame[frame.component != "observed"]
    sums = projected.groupby("year").value_usd_m.sum()
    for row in doc["years"]:
        assert sums[row["year"]] == pytest.approx(row["total_usd_m"], rel=1e-12)
        by_component = projected[projected.year == row["year"]].groupby("component").value_usd_m
        by_component = by_component.sum()
        assert by_component.get("pta", 0.0) == pytest.approx(row["pta_usd_m"], abs=1e-9)
        assert by_component.get("tariff_change", 0.0) == pytest.approx(
            row["tariff_changes_usd_m"], abs=1e-9
        )
        assert by_component.get("deal", 0.0) == pytest.approx(row["deals_usd_m"], abs=1e-9)


def test_base_scenario_json_check_values():
    doc = json.loads(invoke("project", "scenarios/base.yaml", "-f", "json").stdout)
    target = doc["target"]
    # methods.md section 7: 27.0 in 2023 -> 2,000 by 2030 needs 84.97 %/yr
    assert doc["years"][0]["measure_usd_m"] == pytest.approx(27.0)
    assert target["required_cagr"] == pytest.approx(0.8497, abs=5e-5)
    assert target["gap_at_by_year_usd_m"] == pytest.approx(
        2000 - target["measure_at_by_year_usd_m"]
    )
    assert doc["years"][0]["pak_to_aze_usd_m"] == pytest.approx(24.3)  # 90 % of 27.0


LEVERS = {
    # methods.md checks: PTA theta 4 (tariff exponent 5), 15 % -> 0 on the whole flow: +101.1 %
    "pta": (
        "pta: {start_year: 2024, utilization: 1.0, response: immediate, lines: [{direction: "
        "pak_to_aze, sector: textiles, mfn_tariff: 0.15}]}\nelasticities: {default: 4}\n",
        "pta_usd_m",
        1.0114,
    ),
    # theta 3.8, 15 % -> 0: +95.6 %
    "pta-3.8": (
        "pta: {start_year: 2024, utilization: 1.0, response: immediate, lines: [{direction: "
        "pak_to_aze, sector: textiles, mfn_tariff: 0.15}]}\nelasticities: {default: 3.8}\n",
        "pta_usd_m",
        0.956,
    ),
    # the tariff exponent given directly: 5 is theta 4's
    "tariff-elasticity": (
        "pta: {start_year: 2024, utilization: 1.0, response: immediate, lines: [{direction: "
        "pak_to_aze, sector: textiles, mfn_tariff: 0.15}]}\ntariff_elasticities: {textiles: 5}\n"
        "elasticities: {default: 1}\n",
        "pta_usd_m",
        1.0114,
    ),
    # theta 4, 10 % -> 5 %: +26.2 %
    "pta-10-5": (
        "pta: {start_year: 2024, utilization: 1.0, response: immediate, lines: [{direction: "
        "pak_to_aze, sector: textiles, mfn_tariff: 0.10, preferential_tariff: 0.05}]}\n",
        "pta_usd_m",
        0.262,
    ),
    # response yotov2016 on an effect of full ratio exp(0.993): +33.8 % in years 0-3
    "yotov2016": (
        "pta: {start_year: 2024, utilization: 1.0, lines: [{direction: pak_to_aze, "
        "sector: textiles, mfn_tariff: 0.15, preferential_tariff: 0.0}]}\n"
        "tariff_elasticities: {textiles: 7.104938}\n",  # 0.993 / ln(1.15): full ratio e^0.993
        "pta_usd_m",
        0.338,
    ),
    # a tariff increase 0 -> 15 % at theta 4: -50.3 %
    "increase": (
        "tariff_changes: [{name: T, direction: pak_to_aze, sector: textiles, tariff_before: 0, "
        "tariff_after: 0.15, year: 2024, assumption: toy}]\n",
        "tariff_changes_usd_m",
        -0.503,
    ),
    # TTA 21 -> 14 days, semi-elasticity: +7.25 %
    "tta": (
        "tta: {start_year: 2024, transit_days_before: 21, transit_days_after: 14}\n",
        "tta_usd_m",
        0.0725,
    ),
    # TTA ave, a 0.006, theta 4: +16.4 %
    "ave": (
        "tta: {start_year: 2024, transit_days_before: 21, transit_days_after: 14, method: ave}\n",
        "tta_usd_m",
        0.164,
    ),
}


@pytest.mark.parametrize("lever", LEVERS)
def test_lever_check_values_through_json(write, lever):
    extra, key, gain = LEVERS[lever]
    flows_only = TOY.replace("growth: 0.05, ", "").replace(
        "    - {direction: aze_to_pak, sector: chemicals, value_usd_m: 2.7, assumption: toy}\n", ""
    )
    result = invoke("project", write(flows_only + extra), "-f", "json")
    assert result.exit_code == 0, result.stderr
    year = json.loads(result.stdout)["years"][1]  # 2024, no growth: 24.3 of textiles
    assert year[key] / 24.3 == pytest.approx(gain, abs=5e-4)


BAD = {
    "syntax": (
        "name: X\nbase_year: 2023\n  horizon: [\n",
        "s.yaml:3: YAML syntax error: mapping values are not allowed here (column 10)",
    ),
    "unknown key": (
        TOY.replace("horizon", "horizn"),
        "s.yaml:3: horizn: unknown key (did you mean 'horizon'?)\n"
        "s.yaml:1: horizon: required key is missing",
    ),
    "wrong type": (
        TOY.replace("base_year: 2023", "base_year: twenty"),
        "s.yaml:2: base_year: input should be a valid integer, got 'twenty'",
    ),
    "out of range": (
        TOY.replace("value_usd_m: 24.3", "value_usd_m: -1"),
        "s.yaml:7: baseline.flows.0.value_usd_m: input should be greater than or "
        "equal to 0, got -1",
    ),
    "unknown source": (
        TOY.replace("assumption: toy}", "source: nope}", 1),
        "s.yaml:7: baseline.flows.0.source: unknown source id 'nope'",
    ),
    "empty": ("", "s.yaml:1: empty file: expected a scenario mapping"),
    "not a mapping": ("42\n", "s.yaml:1: expected a mapping of keys, got a single value"),
    "nan": (
        TOY.replace("growth: 0.05", "growth: .nan"),
        "s.yaml:7: baseline.flows.0.growth: input should be a finite number, got nan",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_exits_2_with_one_line_per_problem(write, case):
    text, expected = BAD[case]
    result = invoke("project", write(text), "-f", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert sorted(result.stderr.splitlines()) == sorted(expected.splitlines())


def test_missing_file_and_extends_cycle(write):
    result = invoke("project", "absent.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "absent.yaml: cannot read file: no such file\n",
    )
    write("extends: s.yaml\nname: Loop\n")
    result = invoke("project", "s.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "s.yaml:1: extends: cycle: s.yaml -> s.yaml\n",
    )


def test_validate_reports_every_file_and_strict_mode(write):
    write(TOY, "good.yaml")
    write(TOY.replace("assumption: toy}", "}", 1), "unsourced.yaml")
    write("name: [\n", "broken.yaml")
    result = invoke("validate", "good.yaml", "unsourced.yaml", "broken.yaml")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "good.yaml: ok",
        "unsourced.yaml: ok",
        "broken.yaml:2: YAML syntax error: expected the node content, but found '<stream end>' (column 1)",
    ]
    result = invoke("validate", "--strict", "unsourced.yaml")
    assert result.exit_code == 2
    assert result.stderr == "unsourced.yaml:7: baseline.flows.0: no source or assumption given\n"


def test_unsourced_inputs_are_listed_not_errors(write):
    result = invoke("project", write(TOY.replace("assumption: toy}", "}", 1)), "-f", "json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["unsourced"] == ["baseline.flows.0"]


@pytest.mark.parametrize("command", [[], ["project"], ["validate"]])
def test_help_shows_an_example(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "tradecalc " in result.stdout


def test_python_dash_m_runs():
    done = subprocess.run(
        [sys.executable, "-m", "tradecalc", "project", "scenarios/base.yaml", "-f", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert done.returncode == 0 and done.stderr == ""
    assert json.loads(done.stdout)["scenario"]["name"] == "Base case"


def render_table(path: Path, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    for renderable in render.to_rich(project_view.projection_view(project(path))):
        console.print(renderable)
    return console.file.getvalue()


def test_golden_table():
    """The rendered table of base.yaml at width 100. Regenerate: TRADECALC_GOLDEN=update."""
    rendered = render_table(ROOT / "scenarios" / "base.yaml")
    golden = GOLDEN / "base-table-100.txt"
    if os.environ.get("TRADECALC_GOLDEN") == "update":
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("ramp", "shares"),
    [
        # methods.md 5 check values for ramp_years 3 from the start year on
        ("linear", [1 / 3, 2 / 3, 1.0, 1.0]),
        ("logistic", [0.325, 0.675, 0.90, 0.975]),
    ],
)
def test_ramp_check_values_through_json(write, ramp, shares):
    deal = (
        "deals: [{name: D, direction: aze_to_pak, sector: energy, category: energy, "
        f"value_usd_m: 100, start_year: 2025, ramp_years: 3, ramp: {ramp}, probability: 1, "
        "assumption: toy}]\n"
    )
    result = invoke("project", write(TOY + deal), "-f", "json")
    assert result.exit_code == 0, result.stderr
    deals = {row["year"]: row["deals_usd_m"] for row in json.loads(result.stdout)["years"]}
    assert deals[2024] == 0.0
    got = [deals[year] / 100 for year in range(2025, 2029)]
    assert got == pytest.approx(shares, abs=5e-4)


# Hostile input (issue 7): never crash, never hang, never lose a file, never print unsafe text.
# The corpus under tests/bad_inputs/ holds one hostile input per file, each with a first line
# ``# expect: what it is`` and optionally ``# run: ARGS`` (default ``project FILE``); files
# under tests/bad_inputs/parts/ are what they extend. Every one must exit 2 with nothing on
# stdout and only well-formed lines on stderr, fast.


BASE = str(ROOT / "scenarios" / "base.yaml")


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["simulate", BASE, "--draws", "0"],
            "--draws: input should be greater than or equal to 1\n",
        ),
        (["project", BASE, "--colour"], "--colour: no such option\n"),
        (["project"], "SCENARIO: missing\n"),
        (["nothing"], "tradecalc: no such command 'nothing'.\n"),
    ],
)
def test_usage_errors_are_one_line(args, stderr):
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and result.stdout == "" and result.stderr == stderr


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


TRADECALC = [sys.executable, "-m", "tradecalc"]


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag):
    result = invoke(flag)
    assert result.exit_code == 0 and result.stderr == ""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"$', pyproject, re.MULTILINE).group(1)
    assert result.stdout == f"tradecalc {version}\n"
    assert tradecalc.__version__ == version


def test_shell_completion_is_on():
    help_text = invoke("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    env = {
        **os.environ,
        "_TRADECALC_COMPLETE": "complete_bash",
        "COMP_WORDS": "tradecalc sim",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv[0] = 'tradecalc'; from tradecalc.entry import main; main()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["simulate"]


@pytest.mark.parametrize(("given", "kept"), [(None, "1"), ("2", "2")])
def test_the_console_script_runs_blas_on_one_thread_unless_told(given, kept):
    # entry.py: OpenBLAS's threads cost more than they give on tradecalc's small matrices,
    # so the console script sets OPENBLAS_NUM_THREADS=1 before numpy loads; a user's value
    # stays, and numpy's OpenBLAS is then really on that many threads
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = (
        "import os, tradecalc.entry, numpy; from threadpoolctl import threadpool_info; "
        "print(os.environ['OPENBLAS_NUM_THREADS'], "
        "{p['num_threads'] for p in threadpool_info() if p['internal_api'] == 'openblas'})"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    threads = min(int(kept), os.cpu_count() or 1)
    assert done.stdout.split() == [kept, f"{{{threads}}}"]


@pytest.mark.slow
def test_plot_is_written_before_stdout(tmp_path):
    """The reader leaves before the first byte (`| head -0`): the image is there, whole."""
    image = tmp_path / "chart.svg"
    child = subprocess.Popen(
        [*TRADECALC, "project", BASE, "--plot", str(image)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child.stdout.close()
    err = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=120) == 141, err
    assert err == b""
    assert image.read_bytes().rstrip().endswith(b"</svg>")


@pytest.mark.parametrize("columns", ["0", "1", "39"])
def test_a_tiny_width_is_taken_as_80(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    result = invoke("project", BASE)
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert "Base case" in result.stdout and "Required growth  84.97 % a year" in result.stdout
    assert max(len(line) for line in lines) == 80


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["compare", BASE, "--rank", "foo"], "--rank: 'foo' is not one of 'gap', 'odds'.\n"),
        (
            ["project", BASE, "-f", "xml"],
            "--format: 'xml' is not one of 'table', 'json', 'csv', 'markdown', 'xlsx'.\n",
        ),
    ],
)
def test_a_choice_refused_says_so_without_the_validators_prefix(args, stderr):
    # typer checks choices through pydantic, whose message starts "Value error, "
    result = invoke(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", stderr)


# Issue 20, items 8, 9 and 11-15: outputs that set no traps, and the economics and data fixes.


def test_csv_counted_kind():
    rows = list(csv.DictReader(io.StringIO(ok("project", BASE, "-f", "csv"))))
    doc = json.loads(ok("project", BASE, "-f", "json"))
    record = [r for r in rows if r["component"] == "observed"]
    projection = [r for r in rows if r["component"] != "observed"]
    assert record and projection
    # the record is never counted, and says which rows are totals and which their parts
    assert {r["counted"] for r in record} == {"False"}
    assert {r["kind"] for r in record} == {"total", "part"}
    assert all((r["direction"] == "") == (r["kind"] == "total") for r in record)
    assert {r["kind"] for r in projection} == {"projection"}
    # base.yaml counts goods and energy: exactly those projection rows are counted
    assert all(
        (r["counted"] == "True") == (r["category"] in ("goods", "energy")) for r in projection
    )
    # group by year over the counted rows gives the measure, year by year
    measure: dict[int, float] = {}
    for r in rows:
        if r["counted"] == "True":
            measure[int(r["year"])] = measure.get(int(r["year"]), 0.0) + float(r["value_usd_m"])
    assert_allclose(
        [measure[y["year"]] for y in doc["years"]], [y["measure_usd_m"] for y in doc["years"]]
    )
    # a reporter's total equals its parts where both are given (AZE 2020: 11.6 + 1.6 = 13.2)
    parts = [r for r in record if r["year"] == "2020" and r["kind"] == "part"]
    total = next(r for r in record if r["year"] == "2020" and r["kind"] == "total")
    assert_allclose(sum(float(r["value_usd_m"]) for r in parts), float(total["value_usd_m"]))


def test_install_hints_name_the_package_not_the_index_namesake(monkeypatch, tmp_path):
    # no hint anywhere in the package points at `tradecalc[...]` on the public index
    for path in (ROOT / "src" / "tradecalc").rglob("*.py"):
        assert "tradecalc[" not in path.read_text(encoding="utf-8"), path
    real_import = builtins.__import__

    def without(name, *args, **kwargs):
        if name.startswith(("matplotlib", "xlsxwriter")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without)
    monkeypatch.chdir(tmp_path)
    plot = runner.invoke(app, ["project", BASE, "--plot", "x.png"])
    book = runner.invoke(app, ["project", BASE, "-o", "x.xlsx"])
    assert (plot.exit_code, plot.stdout, book.exit_code, book.stdout) == (2, "", 2, "")
    assert plot.stderr == (
        "--plot x.png: needs matplotlib: pip install matplotlib"
        " (or pip install -e '.[plot]' from a checkout)\n"
    )
    assert book.stderr == (
        "--format xlsx: needs XlsxWriter: pip install XlsxWriter"
        " (or pip install -e '.[xlsx]' from a checkout)\n"
    )
    from tradecalc.views.report import NO_MATPLOTLIB

    assert "pip install matplotlib (or pip install -e '.[plot]' from a checkout)" in NO_MATPLOTLIB
    assert not list(Path(tmp_path).iterdir())


def help_examples(columns: int = 300) -> list[tuple[str, str]]:
    """``(command, example)`` for every example in the --help of the app and each command
    (a ``\\`` continuation joined, as the shell joins it)."""
    found = []
    for path in (p for p in command_paths() if len(p) <= 1):  # panel's own are run by panel's
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": str(columns)})
        assert result.exit_code == 0
        text = re.sub(r" \\\n\s+", " ", result.stdout)
        found += [(" ".join(path[:1]), line.strip()) for line in text.splitlines()
                  if line.strip().startswith("tradecalc ")]  # fmt: skip
    return found


def command_paths() -> list[list[str]]:
    """The words that name every command and group: ``[]``, ``["project"]``, ``["panel",
    "show"]``, ..."""
    return [path for path, _ in commands()]


def commands() -> list[tuple[list[str], object]]:
    """(words, click command) of the app, every command and every group's commands."""
    import typer.main

    def walk(command, path):
        yield path, command
        if hasattr(command, "commands"):  # a group (typer's own click)
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(app), []))


def joined(text: str) -> list[str]:
    """The lines of a help, each ``\\`` continuation joined as the shell joins it."""
    return [line.strip() for line in re.sub(r" \\\n\s+", " ", text).splitlines()]


HELP_AT_80 = """
import contextlib, io, json, sys
from tradecalc.cli.commands import app
out = {}
for path in json.loads(sys.argv[1]):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            app([*path, "--help"], prog_name="tradecalc", standalone_mode=False)
        except SystemExit:
            pass
    out[" ".join(path)] = buf.getvalue()
print(json.dumps(out))
"""
"""Every help rendered in one process started with COLUMNS=80 (typer's click reads the width
once: in-process, CliRunner's COLUMNS does not reach its layout)."""


@pytest.fixture(scope="module")
def helps_at_80() -> dict[str, str]:
    paths = json.dumps(command_paths())
    done = subprocess.run(
        [sys.executable, "-c", HELP_AT_80, paths],
        env={**os.environ, "COLUMNS": "80", "LINES": "24"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("path", "command"), commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_help_examples_never_wrap_inside_a_word_at_80_columns(path, command, helps_at_80):
    """Every help at COLUMNS=80: no line over 80 characters, and each example of the command's
    help text is a whole line of the output (``-o pak-uzb.yaml`` never split as ``-o pak-`` |
    ``uzb.yaml``), continuations joined."""
    text = helps_at_80[" ".join(path)]
    lines = text.splitlines()
    assert lines[0].startswith("Usage: tradecalc")
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    examples = [line for line in joined(command.help or "") if line.startswith("tradecalc ")]
    assert examples, path
    for example in examples:
        assert example in joined(text), (example, text)


def test_every_command_has_a_help_example():
    import typer.main

    named = {name for name, _ in help_examples()}
    assert named >= set(typer.main.get_command(app).commands)


OFFLINE_REPLAY = {
    # made-up values in the real shape (tests/fixtures/comtrade/README.md), for the same request
    "fetch": f" --from-file {ROOT / 'tests' / 'fixtures' / 'comtrade' / 'pak-aze.json'}",
}


@pytest.mark.parametrize(("command", "example"), help_examples(), ids=lambda v: v[:40])
def test_every_help_example_returns_a_result(command, example, tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import system_tool

    if "| jq" in example:
        system_tool("jq")
    if command in OFFLINE_REPLAY:  # the tests run offline: a saved answer stands in for the API
        example += OFFLINE_REPLAY[command]
    for shipped in ("scenarios", "examples"):
        if (ROOT / shipped).is_dir():
            (tmp_path / shipped).symlink_to(ROOT / shipped, target_is_directory=True)
    (tmp_path / "schema").mkdir()  # `tradecalc schema > schema/scenario.schema.json`
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {example}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    written = [p for p in tmp_path.iterdir() if p.is_file()] + list((tmp_path / "schema").iterdir())
    checked = command == "validate" and done.stderr.strip().endswith(": ok")  # one line a file
    assert done.stdout.strip() or checked or any(p.stat().st_size > 0 for p in written), example
