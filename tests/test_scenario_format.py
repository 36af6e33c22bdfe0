"""Format version 2: any pair of economies, what counts, the record, warnings, overrides, schema."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from tests.conftest import ROOT, SCENARIOS
from tests.helpers import invoke
from typer.testing import CliRunner

from tradecalc.analysis.projecting import project
from tradecalc.scenario.schema import json_schema
from tradecalc.views import project_view, render

runner = CliRunner()
GOLDEN = Path(__file__).parent / "golden"
PAK_UZB = ROOT / "scenarios" / "other-pairs" / "pak-uzb.yaml"

PAIR = """\
name: Pair
economies: [{{code: {a}, name: {na}}}, {{code: {b}, name: {nb}}}]
base_year: 2023
horizon: 2030
target: {{value_usd_m: 500, by_year: 2030}}
baseline:
  reporter: {b}
  flows:
    - {{direction: {ab}, sector: textiles, value_usd_m: 24.3, growth: 0.05, assumption: toy}}
    - {{direction: {ba}, sector: energy, category: energy, value_usd_m: 2.7, assumption: toy}}
history:
  - {{year: 2022, reporter: {b}, total_usd_m: 28.2, by_direction: {{{ab}: 20.0}}, assumption: toy}}
  - {{year: 2023, reporter: {b}, total_usd_m: 27.0, assumption: toy}}
pta:
  start_year: 2025
  lines: [{{direction: {ab}, sector: textiles, coverage: 0.5, mfn_tariff: 0.15}}]
tta: {{start_year: 2026, transit_days_before: 21, transit_days_after: 14, route_share: 0.5}}
deals:
  - {{name: Fuel, direction: {ba}, sector: energy, category: brokered, value_usd_m: 100,
     start_year: 2026, ramp_years: 2, probability: 0.5, assumption: toy}}
  - {{name: Mills, direction: {ab}, sector: textiles, value_usd_m: 40, start_year: 2025,
     probability: 0.25, assumption: toy}}
"""


def pair(a="PAK", b="AZE", na="Pakistan", nb="Azerbaijan") -> str:
    ab, ba = f"{a.lower()}_to_{b.lower()}", f"{b.lower()}_to_{a.lower()}"
    return PAIR.format(a=a, b=b, na=na, nb=nb, ab=ab, ba=ba)


def test_relabelled_pair_gives_identical_numbers(write):
    pak_aze = project(write(pair(), "a.yaml")).to_dict()
    other = project(write(pair("KAZ", "TUR", "Kazakhstan", "Türkiye"), "b.yaml")).to_dict()
    for mine, theirs in zip(pak_aze["years"], other["years"], strict=True):
        assert mine["measure_usd_m"] == theirs["measure_usd_m"]
        assert mine["pak_to_aze_usd_m"] == theirs["kaz_to_tur_usd_m"]
        assert mine["aze_to_pak_usd_m"] == theirs["tur_to_kaz_usd_m"]
    assert other["economies"] == [
        {"code": "KAZ", "name": "Kazakhstan"},
        {"code": "TUR", "name": "Türkiye"},
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["project"],
        ["compare"],
        ["explain"],
        ["sensitivity"],
        ["simulate", "--draws", "200"],
        ["sweep", "--grid", "deal_value_scale=0:1:3"],
    ],
    ids=lambda c: c[0],
)
@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_pak_uzb_outputs_name_no_other_pair(command, fmt):
    result = invoke(command[0], str(PAK_UZB), *command[1:], "-f", fmt)
    assert result.exit_code == 0, result.stderr
    # the shock's pooling panel names the other pairs it pools on, on purpose (methods.md 8)
    stdout = result.stdout.replace('"AZE-KAZ (reference class)"', '"panel record"')
    for leak in ("pak_to_aze", "aze_to_pak", "Azerbaijan", "AZE"):
        assert leak not in stdout
        assert leak not in result.stderr


def test_pak_uzb_golden_table():
    """The table at 100 columns; TRADECALC_GOLDEN=update re-records it after a deliberate change."""
    console = Console(file=io.StringIO(), width=100, color_system=None)
    for renderable in render.to_rich(project_view.projection_view(project(PAK_UZB))):
        console.print(renderable)
    text = console.file.getvalue()
    golden = GOLDEN / "pak-uzb-table-100.txt"
    if os.environ.get("TRADECALC_GOLDEN") == "update":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


# --- what counts -----------------------------------------------------------------------------


def test_default_counts_are_customs_comparable_and_the_rest_is_memo(write):
    p = project(write(pair()))
    doc = p.to_dict()
    assert doc["target"]["counts"] == ["goods", "energy"]
    y2030 = doc["years"][-1]
    # hand-computed: the brokered fuel deal is 0.5 x 100 at full ramp in 2030, not counted
    assert y2030["not_counted_by_category_usd_m"] == {"brokered": pytest.approx(50.0)}
    assert y2030["not_counted_usd_m"] == pytest.approx(50.0)
    assert y2030["total_usd_m"] == pytest.approx(y2030["measure_usd_m"] + 50.0)
    table = Console(file=io.StringIO(), width=120, color_system=None)
    for renderable in render.to_rich(project_view.projection_view(p)):
        table.print(renderable)
    text = table.file.getvalue()
    assert "goods and energy (customs-comparable); not counted: services, brokered" in text
    assert "Memo: not counted by the target" in text
    assert "observed (AZE customs)" in text


def test_counting_a_non_customs_category_is_said_in_the_verdict(write):
    text = pair().replace("by_year: 2030}", "by_year: 2030, counts: [goods, energy, brokered]}")
    p = project(write(text))
    headline = dict(project_view.projection_headline(p))
    assert "counts brokered: not customs-comparable" in headline["Verdict"]
    assert p.to_dict()["years"][-1]["not_counted_usd_m"] == 0.0


# --- the record ------------------------------------------------------------------------------


def test_history_in_json_and_csv(write):
    name = write(pair())
    doc = json.loads(invoke("project", name, "-f", "json").stdout)
    assert [(h["year"], h["total_usd_m"]) for h in doc["history"]] == [(2022, 28.2), (2023, 27.0)]
    assert doc["history"][0]["label"] == "observed (AZE customs)"
    csv_lines = invoke("project", name, "-f", "csv").stdout.splitlines()
    observed = [line for line in csv_lines if ",observed," in line]
    assert observed == [
        "Pair,2022,,,,observed,AZE calendar,28.2,False,total",
        "Pair,2022,pak_to_aze,,,observed,AZE calendar,20.0,False,part",
        "Pair,2023,,,,observed,AZE calendar,27.0,False,total",
    ]


def test_base_year_off_the_record_warns_and_fails_strict(write):
    name = write(pair().replace("total_usd_m: 27.0", "total_usd_m: 30.0"))
    result = invoke("project", name, "-f", "json")
    assert result.exit_code == 0
    # hand-computed: flows sum to 24.3 + 2.7 = 27.0 against 30.0 recorded
    assert result.stderr == (
        "s.yaml:13: history.1.total_usd_m: warning: AZE's 2023 total 30 differs from the "
        "baseline flows' customs-comparable sum 27 by more than 1 %\n"
    )
    json.loads(result.stdout)
    strict = invoke("validate", "--strict", name)
    assert strict.exit_code == 2
    assert "history.1.total_usd_m: warning: AZE's 2023 total 30" in strict.stderr


def test_percent_typed_as_whole_number_warns(write):
    name = write(pair().replace("growth: 0.05", "growth: 5"))
    result = invoke("project", name, "-f", "json")
    assert result.exit_code == 0
    assert result.stderr == (
        "s.yaml:9: baseline.flows.0.growth: warning: 5 looks like a percentage: values are "
        "fractions, 15 % is 0.15\n"
    )
    assert invoke("validate", "--strict", name).exit_code == 2


# --- bad input in the new fields -------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (
            "{code: AZE, name: Azerbaijan}",
            "{code: XQZ}",
            "s.yaml:2: economies.1.code: 'XQZ' is not an ISO 3166 alpha-3 code: give a `name:`",
        ),
        (
            "{code: AZE, name: Azerbaijan}]",
            "{code: AZE}, {code: UZB}]",
            "s.yaml:2: economies: exactly two economies, got 3",
        ),
        (
            "{direction: aze_to_pak, sector: energy",
            "{direction: aze_to_uzb, sector: energy",
            "s.yaml:10: baseline.flows.1.direction: not a direction of PAK, AZE: use "
            "pak_to_aze or aze_to_pak",
        ),
        (
            "{year: 2023, reporter: AZE",
            "{reporter: AZE",
            "s.yaml:13: history.1.year: required key is missing",
        ),
        (
            "by_direction: {pak_to_aze: 20.0}",
            "by_direction: {pak_to_uzb: 20.0}",
            "s.yaml:12: history.0.by_direction.pak_to_uzb: not a direction of PAK, AZE: use "
            "pak_to_aze or aze_to_pak",
        ),
        (
            "reporter: AZE\n  flows",
            "reporter: UZB\n  flows",
            "s.yaml:7: baseline.reporter: not one of the economies PAK, AZE",
        ),
        (
            "{direction: aze_to_pak, sector: energy",
            "{direction: Aze-Pak, sector: energy",
            "s.yaml:10: baseline.flows.1.direction: must be <a>_to_<b> from the two economies' "
            "codes in lower case, e.g. pak_to_aze, got 'Aze-Pak'",
        ),
    ],
    ids=[
        "unknown-code",
        "three",
        "direction",
        "history-year",
        "by-direction",
        "reporter",
        "pattern",
    ],
)
def test_bad_v2_fields_get_one_line_each(write, old, new, line):
    text = pair()
    assert old in text
    name = write(text.replace(old, new, 1))
    result = invoke("project", name)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [line]


# --- overrides leave a trace -----------------------------------------------------------------


def test_overrides_are_recorded_in_every_output(write):
    name = write(pair())
    args = ["--set", "pta.utilization=0.9", "--set", "deals.Fuel.probability=1"]
    doc = json.loads(invoke("project", name, *args, "-f", "json").stdout)
    assert doc["overrides"] == ["pta.utilization=0.9", "deals.Fuel.probability=1"]
    table = invoke("project", name, *args).stdout
    assert "--set pta.utilization=0.9; --set deals.Fuel.probability=1" in table
    explain = json.loads(invoke("explain", name, *args, "-f", "json").stdout)
    changed = {row["name"] or row["lever"]: row["changed_by_set"] for row in explain["levers"]}
    assert changed["pta"] and changed["Fuel"]
    assert not changed["Mills"] and not changed["tta"]
    plain = json.loads(invoke("project", name, "-f", "json").stdout)
    assert plain["overrides"] == []


# --- JSON Schema: real validators accept the shipped files -----------------------------------


def test_schema_describes_every_field():
    schema = json_schema()
    missing = []
    for name, definition in schema["$defs"].items():
        if name.startswith("Partial"):
            continue
        for field, sub in definition.get("properties", {}).items():
            options = [sub, *sub.get("anyOf", [])]
            if field != "extends" and not any("description" in o for o in options):
                missing.append(f"{name}.{field}")
    assert missing == []


def _check_jsonschema(*files: Path) -> subprocess.CompletedProcess:
    tool = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    schema = ROOT / "schema" / "scenario.schema.json"
    return subprocess.run(
        [tool, "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_shipped_scenarios_pass_an_independent_validator():
    result = _check_jsonschema(*SCENARIOS, PAK_UZB)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_misspelt_key_fails_the_independent_validator(tmp_path):
    for scenario in (SCENARIOS[0], ROOT / "scenarios" / "deals-realised.yaml"):
        bad = tmp_path / scenario.name
        text = scenario.read_text(encoding="utf-8").replace("name:", "nmae:", 1)
        bad.write_text(text, encoding="utf-8")
        result = _check_jsonschema(bad)
        assert result.returncode == 1, result.stdout
        assert "nmae" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["sweep", "--grid", "deal_value_scale=0:1:2"],
        ["solve", "--param", "deals.Mills.value_usd_m"],
        ["simulate", "--draws", "100"],
        ["explain"],
    ],
    ids=lambda c: c[0],
)
def test_every_command_warns_about_the_file(write, command):
    name = write(pair().replace("growth: 0.05", "growth: 5"))
    result = invoke(command[0], name, *command[1:], "-f", "json")
    assert result.exit_code in (0, 1), result.stderr  # solve may find no value: exit 1
    assert result.stderr.startswith("s.yaml:9: baseline.flows.0.growth: warning: 5 looks like")
    json.loads(result.stdout)


# Issue 20, items 8, 9 and 11-15: outputs that set no traps, and the economics and data fixes.


def test_pak_uzb_split_and_the_derived_2019_value():
    from tradecalc import load_scenario

    s = load_scenario(ROOT / "scenarios" / "other-pairs" / "pak-uzb.yaml")
    flows = {f.direction: f for f in s.baseline.flows}
    # hand-computed: 404 x 63.65 / (63.65 + 79.23) = 179.97 -> 180.0; 404 - 180.0 = 224.0
    assert flows["pak_to_uzb"].value_usd_m == round(404 * 63.65 / (63.65 + 79.23), 1) == 180.0
    assert flows["uzb_to_pak"].value_usd_m == 224.0
    assert (
        "179.97" in flows["pak_to_uzb"].assumption
        and "0.445 x" not in flows["pak_to_uzb"].assumption
    )
    base = load_scenario(ROOT / "scenarios" / "base.yaml")
    first = base.history[0]
    # hand-computed: 13.283 / (1 - 0.101) = 14.775 -> 14.8; it states which 2020 figure and why
    assert first.year == 2019 and first.total_usd_m == round(13.283 / (1 - 0.101), 1) == 14.8
    assert "13.283" in first.assumption and "13.2," in first.assumption
    assert "14.68" in first.assumption  # what the record's own 13.2 would have given
