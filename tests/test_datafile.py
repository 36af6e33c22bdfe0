"""A data file (as `tradecalc fetch` writes it) keeps the scenario's rules: exactly two
economies and one history entry per reporter, period and year, in `validate`, in `headroom`,
through `extends:`; `init` from data writes YAML only under a YAML name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradecalc.cli.commands import app

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
runner = CliRunner()

SCENARIO = """\
extends: {parent}
{economies}name: X
base_year: 2023
horizon: 2030
target: {{value_usd_m: 100, by_year: 2030}}
baseline:
  flows:
    - {{direction: pak_to_aze, sector: textiles, value_usd_m: 5, assumption: made up}}
"""


@pytest.fixture
def data_text(tmp_path, monkeypatch) -> str:
    """The made-up PAK/AZE fixtures fetched with HS2 rows: a valid data file's text."""
    monkeypatch.chdir(tmp_path)
    files = ["pak-aze.json", "pak-aze-hs2-2023.json"]
    args = ["fetch", "--economies", "PAK", "AZE", "--detail", "hs2"]
    result = runner.invoke(app, [*args, *(a for f in files for a in ("--from-file", FIXTURES / f))])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def three_economies(text: str) -> str:
    aze = "- {code: AZE, name: Azerbaijan}\n"
    assert aze in text
    return text.replace(aze, aze + "- {code: TUR, name: Türkiye}\n", 1)


def conflicting_history(text: str) -> str:
    """A second 2019 PAK calendar entry (999.0) beside the written one (7.0, made up)."""
    assert "- year: 2019\n  reporter: PAK\n  period: calendar\n  total_usd_m: 7.0\n" in text
    extra = "- {year: 2019, reporter: PAK, total_usd_m: 999.0, assumption: typed twice}\n"
    return text.replace("history:\n", "history:\n" + extra, 1)


def one_line(result, line: str) -> None:
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == line + "\n"


def test_validate_refuses_two_entries_for_one_reporter_and_year(data_text, tmp_path):
    Path("d.yaml").write_text(conflicting_history(data_text))
    one_line(
        runner.invoke(app, ["validate", "d.yaml"]),
        "d.yaml:11: history.1: duplicate history entry 2019/PAK/calendar",
    )


@pytest.mark.parametrize("command", ["validate", "headroom"])
def test_a_data_file_naming_three_economies_is_refused(data_text, command):
    Path("d.yaml").write_text(three_economies(data_text))
    one_line(
        runner.invoke(app, [command, "d.yaml"]), "d.yaml:6: economies: exactly two economies, got 3"
    )


@pytest.mark.parametrize(
    ("damage", "economies", "line"),
    [
        (three_economies, "economies: [{code: PAK}, {code: AZE}]\n", "d.yaml:6: economies: exactly two economies, got 3"),
        (conflicting_history, "", "d.yaml:11: history.1: duplicate history entry 2019/PAK/calendar"),
    ],
    ids=["three-economies-overridden", "conflicting-history"],
)  # fmt: skip
@pytest.mark.parametrize("command", ["validate", "project"])
def test_extends_keeps_the_data_files_rules(data_text, damage, economies, line, command):
    Path("d.yaml").write_text(damage(data_text))
    Path("s.yaml").write_text(SCENARIO.format(parent="d.yaml", economies=economies))
    one_line(runner.invoke(app, [command, "s.yaml"]), line)


def test_the_undamaged_data_file_is_accepted_everywhere(data_text):
    Path("d.yaml").write_text(data_text)
    Path("s.yaml").write_text(SCENARIO.format(parent="d.yaml", economies=""))
    assert runner.invoke(app, ["validate", "d.yaml"]).exit_code == 0
    assert runner.invoke(app, ["headroom", "d.yaml"]).exit_code == 0
    assert runner.invoke(app, ["validate", "s.yaml"]).exit_code == 0


@pytest.mark.parametrize("source", [["--from-file", str(FIXTURES / "pak-aze.json")], ["--fetch"]])
@pytest.mark.parametrize("name", ["s.json", "s.csv", "s.md"])
def test_init_from_data_refuses_a_name_of_another_format(tmp_path, monkeypatch, source, name):
    monkeypatch.chdir(tmp_path)
    args = ["init", "--economies", "PAK", "AZE", "--target", "100", "--by", "2030", *source]
    result = runner.invoke(app, [*args, "-o", name])
    suffix = name[1:]
    one_line(
        result, f"--output {name}: init writes a YAML scenario, not {suffix}: name the file .yaml"
    )
    assert list(tmp_path.iterdir()) == []  # neither the starter nor its data file
