"""Issue 20, items 8, 9 and 11-15: outputs that set no traps, and the economics and data fixes."""

from __future__ import annotations

import builtins
import csv
import io
import json
from pathlib import Path

import openpyxl
from numpy.testing import assert_allclose
from tests.conftest import ROOT
from typer.testing import CliRunner

from tradecalc.cli.commands import app

runner = CliRunner()
BASE = str(ROOT / "scenarios" / "base.yaml")


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    return result.stdout


# --- item 8: CSV and workbook rows say what counts ---------------------------------------------


def test_item_08_csv_counted_kind():
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


def test_item_08_workbook_components_have_counted_and_kind(tmp_path):
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


# --- item 9: install hints name this project's own way in ----------------------------------------


def test_item_09_install_hints_name_the_package_not_the_index_namesake(monkeypatch, tmp_path):
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


# --- item 14: SMART's revenue change loses t0 x TD; the full Laird-Yeats diversion -------------


def test_item_14_smart_full_diversion_and_revenue_by_hand():
    from tradecalc.model import smart_diversion, smart_diversion_first_order, smart_effects

    # A worked case by hand (methods.md 2.4): the partner sells M = 10 at t0 = 15 %, cut to
    # t1 = 5 %; import-demand elasticity -1.5; the partner's share 0.2, so third suppliers sell
    # M_o = 10 * 0.8 / 0.2 = 40; substitution elasticity 1.5.
    #   TC = 1.5 * 10 * (0.15 - 0.05) / 1.15                       = 1.304348
    #   x  = sigma * (t0 - t1) / (1 + t0) = 1.5 * 0.10 / 1.15      = 0.130435
    #   TD = M * M_o * x / (M + M_o + M * x) = 400 x / (50 + 10 x)   = 1.016949
    #   dR = t1 (M + TC + TD) - t0 M - t0 TD
    #      = 0.05 * 12.321297 - 1.5 - 0.15 * 1.016949              = -1.036478
    e = smart_effects(10.0, 0.05, 0.15, 0.2, -1.5, 1.5)
    assert_allclose(e.creation, 1.304348, atol=1e-6)
    assert_allclose(e.diversion, 1.016949, atol=1e-6)
    assert_allclose(e.revenue_change, -1.036478, atol=1e-6)
    # without the t0 x TD term the revenue change would read -0.883937: the term is there
    assert abs(e.revenue_change - (0.05 * (10 + e.creation + e.diversion) - 1.5)) > 0.15
    # the denominator: first order exceeds the full form by the factor 1 + s0 x
    x = 1.5 * 0.10 / 1.15
    assert_allclose(
        smart_diversion_first_order(0.05, 0.15, 0.2) / smart_diversion(0.05, 0.15, 0.2), 1 + 0.2 * x
    )
    # the full form never diverts more than third suppliers sell, however large sigma
    assert smart_diversion(0.0, 0.5, 0.5, 1e6) < 1.0  # M_o / M = 1
    # an increase so large that sigma * d <= -1 diverts all of the partner's trade away
    assert_allclose(smart_diversion(1.0, 0.0, 0.5, 10.0), -1.0)
