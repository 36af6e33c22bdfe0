"""The README's worked examples run as written: each ``$ command`` and the output after it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT, python_module, system_tool
from typer.testing import CliRunner

from tradecalc.cli.commands import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def examples() -> list[tuple[str, str]]:
    found = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output))
    return found


def test_readme_has_examples():
    assert len(examples()) >= 6


@pytest.mark.parametrize(("command", "expected"), examples(), ids=lambda v: v[:50])
def test_readme_example(command, expected):
    if "| jq" in command:
        system_tool("jq")
    if "import duckdb" in command:
        python_module("duckdb")
    # the tradecalc and python of this environment come first on PATH
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.stderr == ""
    assert done.stdout == expected


def test_readme_notebook_session_runs_as_written(monkeypatch):
    """The ``pycon`` blocks (the notebook session) as doctests, from the repository root."""
    import doctest

    blocks = re.findall(r"```pycon\n(.*?)```", README, flags=re.S)
    assert blocks, "the README shows a notebook session"
    monkeypatch.chdir(ROOT)
    parser = doctest.DocTestParser()
    session = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for number, block in enumerate(blocks):
        session.run(parser.get_doctest(block, {}, f"README pycon {number}", "README.md", 0))
    failed, tried = session.summarize(verbose=False)
    assert tried >= 10
    assert failed == 0


SHIPPED = ["base", "pta-tta-only", "deals-realised", "push-2030", "official-count"]
CHANCE = ("probability_by_year", "probability_se", "probability_below")


def results_table() -> str:
    """The README's results table, computed from the tool (`project -f json`)."""
    from tradecalc.analysis.projecting import project
    from tradecalc.core.numbers import probability_text

    def usd(value: float) -> str:
        return f"{value:,.1f}"

    rows = []
    for name in SHIPPED:
        p = project(ROOT / "scenarios" / f"{name}.yaml")
        doc = p.to_dict()
        parts = p.measure_parts()
        odds = doc["odds"]
        reached = p.reached_year
        rows.append(
            f"| `{name}.yaml` | "
            + " | ".join(
                usd(parts[k])
                for k in (
                    "baseline_usd_m",
                    "pta_usd_m",
                    "tariff_changes_usd_m",
                    "tta_usd_m",
                    "deals_usd_m",
                )
            )
            + f" | {usd(p.measure_at_by_year)}"
            + f" | {usd(doc['years'][p.year_index(2030)]['not_counted_usd_m'])}"
            + f" | {'not by ' + str(p.scenario.horizon) if reached is None else reached}"
            + f" | {probability_text(*(odds[k] for k in CHANCE))}"
            + f" | {usd(odds['p50_at_by_year_usd_m'])}"
            + f" | {usd(odds['p10_at_by_year_usd_m'])}\N{EN DASH}{usd(odds['p90_at_by_year_usd_m'])} |"
        )
    return "\n".join(rows)


def test_readme_results_table_is_the_tools():
    block = README.split("<!-- results-table")[1].split("<!-- end results-table")[0]
    rows = [line for line in block.splitlines() if line.startswith("| `")]
    assert "\n".join(rows) == results_table()


def test_the_setup_activates_the_venv_before_any_example():
    blocks = re.findall(r"```(?:sh|console)\n(.*?)```", README, flags=re.S)
    first = blocks[0].splitlines()
    assert first[0].startswith("python3 -m venv .venv && . .venv/bin/activate")
    assert first[1].startswith("pip install -e . && tradecalc project scenarios/base.yaml")
    # after it, every example calls the programs as the activated environment finds them
    for block in blocks:
        assert ".venv/bin/" not in block.replace(". .venv/bin/activate", "")


def test_activating_puts_the_environments_programs_first_on_path():
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "activate").exists():
        pytest.skip("not run from a virtual environment")
    done = subprocess.run(
        ["bash", "-c", f". '{bin_dir}/activate' && command -v tradecalc pytest python"],
        capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert [Path(p).parent for p in done.stdout.split()] == [bin_dir] * 3


def test_the_completion_line_says_what_it_edits():
    (line,) = [x for x in README.splitlines() if x.startswith("tradecalc --install-completion")]
    assert "edits ~/.bashrc" in line


# Reviewer's fixes to the odds (branch fix-odds): Monte Carlo errors of the odds line's
# centres, simulate's bound, the notes when a scenario has no uncertainty, honest naive
# benchmarks in the rolling back-test, and --horizon refused without --rolling.


runner = CliRunner()


ROOT = Path(__file__).resolve().parents[1]


def test_readme_push_sentence_quotes_the_tools_probability():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.search(r"reaches \$198 m, with a ([\d.]+) %", text.replace("\n  ", " "))
    assert said is not None
    result = runner.invoke(app, ["project", "scenarios/push-2030.yaml", "-f", "json"])
    p = json.loads(result.stdout)["odds"]["probability_by_year"]
    assert float(said.group(1)) == pytest.approx(100 * p, abs=0.005)
