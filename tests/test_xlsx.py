"""-f xlsx / -o FILE.xlsx: workbooks whose numbers are the JSON's numbers."""

from __future__ import annotations

import builtins
import json
import os
import pty
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from tests.briefing_fixtures import BRIEF
from tests.conftest import ROOT
from typer.testing import CliRunner

from tradecalc.cli.commands import app

runner = CliRunner()
BASE = str(ROOT / "scenarios" / "base.yaml")
PROJECT_SHEETS = ["Summary", "Years", "Components", "Levers", "History", "Assumptions", "Sources"]


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    return result.stdout


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
    assert summary["Verdict"] == "not reached by 2032"
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
