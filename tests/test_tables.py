"""Human tables: no cell splits a word at 80 columns, arrows not keys, 80 columns not much longer
than 160 (issue 20, item 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import ROOT
from tests.helpers import SCENARIOS_DIR, ok
from typer.testing import CliRunner

from tradecalc.cli.commands import app

runner = CliRunner()


BASE = str(ROOT / "scenarios" / "base.yaml")


AT_80 = [
    ["project", BASE],
    ["project", str(SCENARIOS_DIR / "official-count.yaml")],
    ["project", str(SCENARIOS_DIR / "other-pairs" / "pak-uzb.yaml")],
    ["compare", *sorted(str(p) for p in SCENARIOS_DIR.glob("*.yaml"))],
    ["simulate", BASE, "--draws", "2000"],
    ["sensitivity", BASE],
    ["backtest", BASE, "--from", "2020"],
    ["explain", BASE],
    ["targets"],
    ["sweep", BASE, "--grid", "deal_value_scale=0:20:5"],
    ["solve", BASE, "--param", "deals.5.value_usd_m"],
]


def table_at(width: int, args: list[str], monkeypatch) -> tuple[str, list]:
    """The table a command prints at ``width`` columns, and the views it was drawn from."""
    from tradecalc.views import render

    views, to_rich = [], render.to_rich

    def keep(view):
        views.append(view)
        return to_rich(view)

    monkeypatch.setattr(render, "to_rich", keep)
    result = runner.invoke(app, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    return result.stdout, views


@pytest.mark.parametrize("args", AT_80, ids=lambda a: " ".join(Path(x).name for x in a))
def test_no_cell_splits_a_word_at_80_columns(args, monkeypatch):
    out, views = table_at(80, args, monkeypatch)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert views
    for view in views:
        for t in view.tables:
            for r, row in enumerate([t.headers, *t.rows]):
                for i, cell in enumerate(row):
                    variants = [cell] + ([t.narrow[i][r - 1]] if i in t.narrow and r else [])
                    assert any(
                        _drawn_whole(v, lines, whole=r > 0 and i in t.right) for v in variants
                    ), f"{t.title!r}: {cell!r} split at 80 columns"


def _drawn_whole(cell: str, lines: list[str], whole: bool) -> bool:
    """Every word of a cell is on one line (a number, or a bar with its percentage, whole)."""
    if whole or any(ch in cell for ch in "▏▎▍▌▋▊▉█"):
        return any(cell.strip() in line for line in lines)
    words = [w for w in cell.split() if len(w) <= 32 and "://" not in w]  # a URL may fold
    return all(any(w in line for line in lines) for w in words)


@pytest.mark.parametrize(
    "scenario", ["base.yaml", "official-count.yaml", "push-2030.yaml", "other-pairs/pak-uzb.yaml"]
)
def test_project_table_at_80_is_at_most_a_quarter_longer_than_at_160(scenario, monkeypatch):
    path = str(SCENARIOS_DIR / scenario)
    narrow = table_at(80, ["project", path], monkeypatch)[0].splitlines()
    wide = table_at(160, ["project", path], monkeypatch)[0].splitlines()
    assert max(len(line) for line in narrow) <= 80
    assert len(narrow) <= 1.25 * len(wide), (len(narrow), len(wide))
    assert not any("▏" in line and "%" not in line for line in narrow)  # no bar without its share


def test_human_tables_show_arrows_not_keys(monkeypatch):
    for args in (
        ["project", BASE],
        ["project", str(SCENARIOS_DIR / "other-pairs" / "pak-uzb.yaml")],
    ):
        out = ok(*args)
        table = out.split("Assumptions without a source")[0]  # the notes quote the user's text
        assert "_to_" not in table
        assert "PAK→AZE" in table or "PAK→UZB" in table
    md = ok("project", BASE, "-f", "markdown")
    assert "| PAK→AZE | agrifood |" in md
