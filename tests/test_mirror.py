"""`project` shows the mirror: both reporters' calendar records side by side (issue 17, item 6).

The figures below are made up for the test (not from any statistics office or from Comtrade).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradecalc.cli.commands import app

ROOT = Path(__file__).resolve().parents[1]

BOTH_SIDES = """\
extends: {base}
history:
  - {{year: 2023, reporter: AZE, period: calendar, total_usd_m: 27.0,
      by_direction: {{pak_to_aze: 24.3, aze_to_pak: 2.7}}, assumption: "made-up test value"}}
  - {{year: 2023, reporter: PAK, period: calendar, total_usd_m: 30.0,
      by_direction: {{pak_to_aze: 22.0, aze_to_pak: 8.0}}, assumption: "made-up test value"}}
"""


@pytest.fixture
def both_sides(tmp_path: Path) -> Path:
    path = tmp_path / "both.yaml"
    path.write_text(BOTH_SIDES.format(base=ROOT / "scenarios" / "base.yaml"), encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})


def test_json_pairs_the_two_reporters_with_their_gaps(both_sides):
    out = json.loads(run("project", str(both_sides), "-f", "json").stdout)
    (row,) = out["mirror"]
    assert (row["year"], row["reporter"], row["mirror_reporter"]) == (2023, "AZE", "PAK")
    # by hand: 27.0 / 30.0 - 1 = -0.1; PAK->AZE as AZE imports / PAK exports: 24.3 / 22.0 - 1
    assert row["gap"] == pytest.approx(-0.1)
    pak_to_aze = row["by_direction"]["pak_to_aze"]
    assert (pak_to_aze["importer_usd_m"], pak_to_aze["exporter_usd_m"]) == (24.3, 22.0)
    assert pak_to_aze["gap"] == pytest.approx(24.3 / 22.0 - 1)
    # AZE->PAK: the importer is PAK (8.0), the exporter AZE (2.7)
    aze_to_pak = row["by_direction"]["aze_to_pak"]
    assert (aze_to_pak["importer_usd_m"], aze_to_pak["exporter_usd_m"]) == (8.0, 2.7)
    calendar_2023 = [h for h in out["history"] if h["year"] == 2023 and h["period"] == "calendar"]
    assert [(h["reporter"], h["mirror"]) for h in calendar_2023] == [("AZE", False), ("PAK", True)]


def test_table_shows_both_sides_and_says_whose_figures_the_baseline_follows(both_sides):
    text = " ".join(run("project", str(both_sides)).stdout.split())  # titles wrap
    assert "the baseline follows AZE (set in baseline.reporter)" in text
    assert "PAK's figures are the mirror" in text
    # 24.3 / 22.0 = 1.1045: +10 %; 8.0 / 2.7 = 2.963: +196 %
    assert "24.3 / 22.0 +10 %" in text and "8.0 / 2.7 +196 %" in text


def test_no_mirror_table_where_the_other_side_has_no_calendar_year():
    # the shipped base case's Pakistani figure is a fiscal year: nothing to pair
    out = json.loads(run("project", str(ROOT / "scenarios" / "base.yaml"), "-f", "json").stdout)
    assert out["mirror"] == []
    assert "Both sides' record" not in run("project", str(ROOT / "scenarios" / "base.yaml")).stdout


def test_strict_validate_names_every_placeholder_a_starter_left(tmp_path):
    starter = tmp_path / "s.yaml"
    made = run("init", "--economies", "PAK", "UZB", "--target", "1000", "--by", "2030")
    starter.write_text(made.stdout, encoding="utf-8")
    assert run("validate", str(starter)).exit_code == 0  # plain validate still accepts it
    strict = run("validate", "--strict", str(starter))
    assert strict.exit_code == 2 and strict.stdout == ""
    lines = strict.stderr.splitlines()
    # the starter leaves three figures: the target and the two directions' flows
    assert [line.split(": ")[1] for line in lines] == [
        "target.assumption",
        "baseline.flows.0.assumption",
        "baseline.flows.1.assumption",
    ]
    assert all(": PLACEHOLDER: " in line for line in lines)
