"""Review of `tradecalc fetch` (issue 17): bad input is one line and exit 2, never a
traceback or a row dropped without a word; `init --from-file` picks its baseline reporter on a
stated ground; `validate` knows a data file.

Fixtures: tests/fixtures/comtrade/ (MADE-UP values in the API's real shape); the rows changed
below are changed by hand, with made-up values too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradecalc.cli.commands import app

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
runner = CliRunner()


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def run(*args: str):
    return runner.invoke(app, list(args))


def one_line_exit_2(result, expected: str) -> None:
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr == expected + "\n"


def changed(tmp_path, name: str, index: int, **fields) -> Path:
    """A copy of a fixture with row ``index`` changed (made-up values)."""
    doc = json.loads((FIXTURES / name).read_text())
    doc["data"][index].update(fields)
    path = tmp_path / f"changed-{name}"
    path.write_text(json.dumps(doc, indent=4))
    return path


def line_of_item(path: Path, index: int) -> int:
    """The line where item ``index`` of ``data`` starts (json.dumps with indent=4: each item
    opens with a line of 8 spaces and ``{``)."""
    starts = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == "        {"]
    return starts[index]


# 1. a directory as --from-file


@pytest.mark.parametrize("command", ["fetch", "init"])
def test_a_directory_is_one_line_not_a_traceback(command, tmp_path):
    extra = ["--target", "2000", "--by", "2030", "-o", str(tmp_path / "s.yaml")]
    args = [command, "--economies", "PAK", "AZE", "--from-file", str(tmp_path)]
    result = run(*args, *(extra if command == "init" else []))
    # worded as scenario reading words it (scenario/yamlread.read_text)
    one_line_exit_2(result, f"{tmp_path}: cannot read file: is a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# 2. a value beyond any trade flow


@pytest.mark.parametrize("value", [1e15, 1e300])
def test_a_value_beyond_the_bound_is_refused_at_its_line(value, tmp_path):
    path = changed(tmp_path, "pak-aze.json", 3, primaryValue=value)
    result = run("fetch", "--economies", "PAK", "AZE", "--from-file", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}:{line_of_item(path, 3)}: data.3.primaryValue: ")
    assert "more than any trade flow" in result.stderr
    assert len(result.stderr.splitlines()) == 1


# 4. -o takes YAML names only, with its own help


@pytest.mark.parametrize("name", ["x.xlsx", "x.json", "x.csv", "x"])
def test_output_must_be_yaml(name, tmp_path):
    out = tmp_path / name
    result = run(
        "fetch", "--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json"), "-o", str(out)
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("--output: fetch writes a YAML data file: name it .yaml")
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("name", ["x.yaml", "x.YML"])
def test_output_yaml_names_are_written(name, tmp_path):
    out = tmp_path / name
    result = run(
        "fetch", "--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json"), "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("# Data file written by `tradecalc fetch`")


def test_fetch_output_help_is_its_own():
    text = " ".join(run("fetch", "--help").stdout.split())
    assert "Write the YAML data file to FILE (.yaml or .yml" in text
    own = text.split("-o, --output FILE")[1].split("--help")[0]
    assert "-f" not in own and "suffix sets the format" not in own  # fetch has no -f
