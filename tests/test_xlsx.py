"""-f xlsx / -o FILE.xlsx: workbooks whose numbers are the JSON's numbers."""

from __future__ import annotations

import builtins
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from tests.briefing_fixtures import BRIEF
from tests.conftest import ROOT
from tests.helpers import HOSTILE_NAME, SCENARIOS_DIR, UNSAFE, invoke, ok
from typer.testing import CliRunner

from tradecalc.cli.commands import app

runner = CliRunner()
BASE = str(ROOT / "scenarios" / "base.yaml")
PROJECT_SHEETS = ["Summary", "Years", "Components", "Levers", "History", "Assumptions", "Sources"]


@pytest.fixture
def workbook(write, tmp_path):
    path = write(BRIEF, "brief.yaml")
    out = tmp_path / "brief.xlsx"
    assert ok("project", path, "-o", str(out)) == ""  # the suffix picks the format
    return path, out


def test_project_workbook_numbers_equal_the_json(workbook):
    path, out = workbook
    doc = json.loads(ok("project", path, "-f", "json"))
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert list(sheets) == PROJECT_SHEETS
    years = sheets["Years"]
    for key in (
        "year",
        "total_usd_m",
        "measure_usd_m",
        "deals_usd_m",
        "not_counted_usd_m",
        "pak_to_aze_usd_m",
        "share_of_target",
        "not_counted_by_category_usd_m.brokered",
    ):
        column = key.split(".")
        expected = [
            row[column[0]] if len(column) == 1 else row[column[0]][column[1]]
            for row in doc["years"]
        ]
        assert_allclose(years[key].to_numpy(dtype=float), expected, rtol=1e-12)
    # the tidy sheet adds up to the total by year, as the CSV does
    parts = sheets["Components"]
    projected = parts[parts.component != "observed"].groupby("year").value_usd_m.sum()
    assert_allclose(projected.to_numpy(), [r["total_usd_m"] for r in doc["years"]], rtol=1e-12)
    history = sheets["History"]
    assert history["total_usd_m"].tolist() == [r["total_usd_m"] for r in doc["history"]]
    summary = dict(zip(sheets["Summary"]["Item"], sheets["Summary"]["Value"], strict=True))
    assert summary["Verdict"] == "not by 2030; not within the horizon, 2032"
    assert summary["Target, US$ m a year"] == 500
    assert_allclose(summary["Gap at the deadline, US$ m"], doc["target"]["gap_at_by_year_usd_m"])
    assert summary["Overrides"] == "none"
    assert sheets["Sources"]["url"].tolist() == ["https://example.org/stats?a=1&b=2"]


def test_cells_are_numbers_with_formats_under_a_frozen_header(workbook):
    _, out = workbook
    book = openpyxl.load_workbook(out)
    for sheet in book.worksheets:
        assert sheet.freeze_panes in ("A2", "B2"), sheet.title
    years = book["Years"]
    headers = [c.value for c in years[1]]
    measure = years.cell(row=2, column=headers.index("measure_usd_m") + 1)
    assert measure.data_type == "n" and measure.number_format == "#,##0.0"
    share = years.cell(row=2, column=headers.index("share_of_target") + 1)
    assert share.number_format == "0.0%"
    # hand-computed: 24.3 + 2.7 = 27.0 in the base year, 5.4 % of 500
    assert (measure.value, round(share.value, 4)) == (27.0, 0.054)
    width = years.column_dimensions["A"].width
    assert width >= len("year")


def test_the_same_inputs_give_the_same_bytes(workbook, tmp_path):
    path, out = workbook
    again = tmp_path / "again.xlsx"
    ok("project", path, "-f", "xlsx", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_overrides_are_on_the_summary(write, tmp_path):
    path = write(BRIEF, "brief.yaml")
    out = tmp_path / "o.xlsx"
    ok("project", path, "--set", "deals.1.probability=1", "-o", str(out))
    summary = pd.read_excel(out, sheet_name="Summary")
    assert "--set deals.1.probability=1" in summary["Value"].tolist()


def test_compare_has_side_by_side_and_a_sheet_per_scenario(write, tmp_path):
    path = write(BRIEF, "brief.yaml")
    # a name Excel refuses as a sheet name ([]:*?/\ and 31 characters at most)
    write(BRIEF.replace('"Push to $2 bn"', '"Other: [case]?"'), "other.yaml")
    out = tmp_path / "c.xlsx"
    ok("compare", path, "other.yaml", "-o", str(out))
    doc = json.loads(ok("compare", path, "other.yaml", "-f", "json"))
    sheets = pd.read_excel(out, sheet_name=None, index_col=0)
    assert list(sheets) == ["Side by side", "Push to $2 bn", "Other- -case--"]
    side = sheets["Side by side"]
    expected = [s["measure_at_by_year_usd_m"] for s in doc["scenarios"]]
    assert_allclose(side.loc["Measure at the deadline, US$ m"].to_numpy(dtype=float), expected)
    per_year = sheets["Push to $2 bn"]
    first = [r["measure_usd_m"] for r in doc["years"] if r["scenario"] == "Push to $2 bn"]
    assert_allclose(per_year["measure_usd_m"].to_numpy(), first)


def test_any_command_writes_its_document(write, tmp_path):
    path = write(BRIEF, "brief.yaml")
    out = tmp_path / "s.xlsx"
    ok("simulate", path, "-n", "300", "-o", str(out))
    doc = json.loads(ok("simulate", path, "-n", "300", "-f", "json"))
    sheets = pd.read_excel(out, sheet_name=None)
    assert_allclose(sheets["years"]["p90_usd_m"], [r["p90_usd_m"] for r in doc["years"]])
    summary = dict(zip(sheets["Summary"]["Item"], sheets["Summary"]["Value"], strict=True))
    assert summary["draws"] == 300 and summary["target.by_year"] == 2030


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-f", "json", "-o", "x.csv"],
            "--output x.csv: a .csv file holds csv, not json: use -f csv or another file name",
        ),
        (
            ["-f", "xlsx", "-o", "x.json"],
            "--output x.json: a .json file holds json, not xlsx: use -f json or another file name",
        ),
        (["-f", "xlsx", "-o", "x.txt"], "--output x.txt: a workbook's file name must end in .xlsx"),
        (
            ["-f", "csv", "-o", "x.xlsx"],
            "--output x.xlsx: a .xlsx file holds xlsx, not csv: use -f xlsx or another file name",
        ),
    ],
)
def test_a_suffix_that_contradicts_the_format_is_an_error(write, args, message):
    path = write(BRIEF, "brief.yaml")
    result = runner.invoke(app, ["project", path, *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message + "\n")
    assert not os.path.exists(args[-1])


def test_a_known_suffix_sets_the_format(write, tmp_path):
    path = write(BRIEF, "brief.yaml")
    ok("project", path, "-o", "out.json")
    ok("project", path, "-o", "out.csv")
    assert json.loads((tmp_path / "out.json").read_text())["target"]["value_usd_m"] == 500
    assert (tmp_path / "out.csv").read_text().startswith("scenario,year,direction")


def test_without_xlsxwriter_the_error_says_how_to_get_it(write, monkeypatch):
    path = write(BRIEF, "brief.yaml")
    real_import = builtins.__import__

    def no_writer(name, *args, **kwargs):
        if name.startswith("xlsxwriter"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_writer)
    result = runner.invoke(app, ["project", path, "-o", "x.xlsx"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "--format xlsx: needs XlsxWriter: pip install XlsxWriter"
        " (or pip install -e '.[xlsx]' from a checkout)\n"
    )
    assert not os.path.exists("x.xlsx")


def test_a_workbook_is_refused_on_a_terminal_and_allowed_into_a_pipe():
    command = [sys.executable, "-m", "tradecalc", "project", BASE, "-f", "xlsx"]
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(command, stdout=follower, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2
    assert result.stderr == "--format xlsx: a workbook is not for the terminal: add -o FILE.xlsx\n"
    piped = subprocess.run(command, capture_output=True)
    assert piped.returncode == 0 and piped.stdout.startswith(b"PK\x03\x04")  # a zip: .xlsx


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


def _sheet_names(data: bytes) -> list[str]:
    import zipfile
    from xml.etree import ElementTree

    book = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml"))
    return [e.get("name") for e in book.iter() if e.tag.endswith("}sheet")]


def test_sheet_name_cut_before_an_apostrophe(write, tmp_path):
    name = "x" * 30 + "'yyy"  # the 31st character, where Excel's limit cuts, is '
    write(f'extends: {BASE}\nname: "{name}"\n', "q.yaml")
    result = invoke("compare", BASE, "q.yaml", "-o", "c.xlsx")
    assert result.exit_code == 0, result.stderr
    sheets = _sheet_names((tmp_path / "c.xlsx").read_bytes())
    assert "x" * 30 in sheets
    assert not [s for s in sheets if s.startswith("'") or s.endswith("'") or len(s) > 31]


def test_workbook_xml_holds_no_raw_control_character(write, tmp_path):
    import zipfile
    from xml.etree import ElementTree

    write(f'extends: {BASE}\nname: "{HOSTILE_NAME}"\n')
    for args in (["project", "s.yaml"], ["compare", "s.yaml", BASE]):
        result = invoke(*args, "-o", "out.xlsx")
        assert result.exit_code == 0, result.stderr
        book = zipfile.ZipFile(io.BytesIO((tmp_path / "out.xlsx").read_bytes()))
        for part in book.namelist():
            text = book.read(part).decode("utf-8")
            assert not UNSAFE.search(text.replace("\n", "").replace("\t", "")), part
            if part.endswith((".xml", ".rels")):
                ElementTree.fromstring(text)  # well-formed XML 1.0
        shown = "Bad\\x01\\x1b[2J\\u202e\\u2066\\x0b name"  # escaped, as in the tables
        assert shown in book.read("xl/sharedStrings.xml").decode()


# Issue 20, items 8, 9 and 11-15: outputs that set no traps, and the economics and data fixes.


def test_workbook_components_have_counted_and_kind(tmp_path):
    out = tmp_path / "base.xlsx"
    assert ok("project", BASE, "-o", str(out)) == ""
    sheet = openpyxl.load_workbook(out)["Components"]
    cells = list(sheet.iter_rows(values_only=True))
    header = list(cells[0])
    assert header[-2:] == ["counted", "kind"]
    counted, kind = header.index("counted"), header.index("kind")
    observed = [r for r in cells[1:] if r[header.index("component")] == "observed"]
    assert observed and all(r[counted] is False for r in observed)
    assert {r[kind] for r in cells[1:]} == {"total", "part", "projection"}
    assert any(r[counted] is True for r in cells[1:])


def test_the_workbook_prints_on_a4_landscape_one_page_wide(tmp_path):
    for args in (["project", BASE], ["compare", BASE, str(SCENARIOS_DIR / "push-2030.yaml")]):
        out = tmp_path / f"{args[0]}.xlsx"
        ok(*args, "-o", str(out))
        book = openpyxl.load_workbook(out)
        for sheet in book.worksheets:
            setup = sheet.page_setup
            assert (setup.orientation, setup.paperSize) == ("landscape", 9), sheet.title  # A4
            assert sheet.sheet_properties.pageSetUpPr.fitToPage
            assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)  # 1 page wide, any tall
            assert sheet.print_title_rows == "$1:$1"  # the header row on every page
            empty = [c.coordinate for row in sheet.iter_rows() for c in row if c.value == ""]
            assert not empty, (sheet.title, empty[:5])


# Reviewer's fixes to the odds (branch fix-odds): Monte Carlo errors of the odds line's
# centres, simulate's bound, the notes when a scenario has no uncertainty, honest naive
# benchmarks in the rolling back-test, and --horizon refused without --rolling.


ROOT = Path(__file__).resolve().parents[1]


def test_the_workbook_labels_a_mean_that_does_not_converge(tmp_path):
    import openpyxl

    out = tmp_path / "base.xlsx"
    result = runner.invoke(app, ["project", str(ROOT / "scenarios/base.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    labels = [row[0].value for row in openpyxl.load_workbook(out)["Summary"].iter_rows()]
    assert "Mean in 2030, US$ m (does not converge: methods.md 8.1)" in labels
