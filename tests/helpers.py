"""Helpers many test files share: one in-process runner of the command line and its checks."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from tradecalc.cli.commands import app

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "scenarios" / "base.yaml")
SCENARIOS_DIR = ROOT / "scenarios"
FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"  # MADE-UP values in the API's real shape
COMTRADE = FIXTURES
runner = CliRunner()
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A scenario name (YAML double-quoted escapes) holding C0 controls, ESC, RLO and LRI.
HOSTILE_NAME = "Bad\\x01\\x1b[2J\\u202e\\u2066\\x0b name"

INIT = ["init", "--economies", "PAK", "UZB", "--target", "2000", "--by", "2030"]
# every command that has --output, with arguments that make it write
WRITERS = {
    "project": ["project", BASE, "-f", "json"],
    "compare": ["compare", BASE, "-f", "json"],
    "sweep": ["sweep", BASE, "--grid", "pta.utilization=0.5:1:2", "-f", "json"],
    "simulate": ["simulate", BASE, "-n", "10", "-f", "json"],
    "solve": ["solve", BASE, "--param", "pta.utilization", "-f", "json"],
    "sensitivity": ["sensitivity", BASE, "-f", "json"],
    "report": ["report", BASE],
    "explain": ["explain", BASE, "-f", "json"],
    "backtest": ["backtest", BASE, "-n", "10", "-f", "json"],
    "init": INIT,
    "init --from-file": [*INIT, "--from-file", str(COMTRADE / "pak-uzb.json")],
    "fetch": ["fetch", "--economies", "PAK", "UZB", "--from-file", str(COMTRADE / "pak-uzb.json")],
    "targets": ["targets", "-f", "json"],
    "headroom": ["headroom", str(ROOT / "examples" / "headroom" / "pak-aze-products.yaml")],
}


def invoke(*args: str, input: str | bytes | None = None):
    return runner.invoke(app, list(args), input=input)


def assert_refused(result, *lines: str) -> None:
    """Exit 2, empty stdout, exactly ``lines`` on stderr (no traceback)."""
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert result.stdout == ""
    assert result.stderr.splitlines() == list(lines)


def fails(*args: str, input: str | bytes | None = None) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.stderr


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    return result.stdout


def run(*args: str):
    return runner.invoke(app, list(args))


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def init_from(tmp_path, pair, *files, extra=()):
    out = tmp_path / f"{'-'.join(pair).lower()}.yaml"
    args = ["init", "--economies", *pair, "--target", "2000", "--by", "2030", *extra]
    args += [a for f in files for a in ("--from-file", fixture(f))]
    return runner.invoke(app, [*args, "-o", str(out)]), out


def _svg_facts(svg: str) -> tuple[float, float, list[float], int]:
    """Width and height [pt], every font size [pt] and the number of axes of a matplotlib SVG."""
    width = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    height = float(re.search(r'height="([\d.]+)pt"', svg).group(1))
    sizes = [float(v) for v in re.findall(r"font-size: ([\d.]+)px", svg)]  # px = pt here
    return width, height, sizes, len(re.findall(r'<g id="axes_\d+"', svg))
