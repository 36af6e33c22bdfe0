"""--plot FILE: a chart next to the data, drawn only when asked for."""

from __future__ import annotations

import builtins
import json

import pytest
from tests.conftest import ROOT
from typer.testing import CliRunner

from tradecalc.cli import app

runner = CliRunner()
BASE = str(ROOT / "scenarios" / "base.yaml")
MAGIC = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}


@pytest.mark.parametrize("suffix", MAGIC)
@pytest.mark.parametrize(
    "command",
    [
        ["project", BASE],
        ["compare", BASE, str(ROOT / "scenarios" / "push-2030.yaml")],
        ["simulate", BASE, "--draws", "200"],
    ],
    ids=["project", "compare", "simulate"],
)
def test_plot_writes_a_chart_and_leaves_stdout_as_data(tmp_path, command, suffix):
    chart = tmp_path / f"chart{suffix}"
    result = runner.invoke(app, [*command, "-f", "json", "--plot", str(chart)])
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)
    assert chart.read_bytes().startswith(MAGIC[suffix])


def test_plot_needs_a_known_suffix(tmp_path):
    result = runner.invoke(app, ["project", BASE, "--plot", str(tmp_path / "c.gif")])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("c.gif: the file must end in .png, .svg or .pdf\n")


def test_plot_without_matplotlib_says_how_to_get_it(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = runner.invoke(app, ["project", BASE, "--plot", str(tmp_path / "c.png")])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("needs matplotlib: pip install 'tradecalc[plot]'\n")
    assert not (tmp_path / "c.png").exists()
