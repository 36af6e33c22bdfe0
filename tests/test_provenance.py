"""Provenance: sources not verified are marked wherever they are cited (issue 20, item 15)."""

from __future__ import annotations

import json

import openpyxl
from tests.conftest import ROOT
from tests.helpers import ok

BASE = str(ROOT / "scenarios" / "base.yaml")


UNVERIFIED = {"timesca_tcs_pilot", "pbs_pharma_fy24"}


def test_unverified_sources_are_marked_wherever_cited(tmp_path):
    from tradecalc import load_scenario

    sources = {src.id: src for src in load_scenario(BASE).sources}
    assert {i for i, src in sources.items() if src.verified is False} == UNVERIFIED
    # JSON: the field itself, add-only (absent where not flagged)
    doc = json.loads(ok("explain", BASE, "-f", "json"))
    flagged = {src["id"] for src in doc["sources"] if src.get("verified") is False}
    assert flagged == UNVERIFIED
    assert all("verified" not in src for src in doc["sources"] if src["id"] not in UNVERIFIED)
    # the explain tables: the TTA lever's source, and the Sources table
    table = ok("explain", BASE, "-f", "markdown")
    assert "timesca_tcs_pilot (unverified)" in table
    assert "pbs_pharma_fy24 (unverified)" in table
    assert "akbarov_report_2023 (unverified)" not in table
    # the brief: the levers table and the sources list
    ok("report", BASE, "-o", str(tmp_path / "brief.html"))
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert "timesca_tcs_pilot (unverified)" in html
    assert html.count("(unverified: no article URL checked)") == 2
    # the workbook: Sources has a verified column, Levers says whether its source is verified
    ok("project", BASE, "-o", str(tmp_path / "base.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "base.xlsx")
    rows = list(book["Sources"].iter_rows(values_only=True))
    verified = {r[0]: r[rows[0].index("verified")] for r in rows[1:]}
    assert {i for i, v in verified.items() if v is False} == UNVERIFIED
    levers = list(book["Levers"].iter_rows(values_only=True))
    col, src = levers[0].index("source_verified"), levers[0].index("source")
    assert {r[src] for r in levers[1:] if r[col] is False} == {"timesca_tcs_pilot"}
    # a chart's footer
    from tradecalc.views.briefing import footer_text
    from tradecalc.views.words import unverified_ids

    footer = footer_text(list(sources), (), unverified_ids(sources.values()))
    assert "timesca_tcs_pilot (unverified)" in footer and "pbs_pharma_fy24 (unverified)" in footer
