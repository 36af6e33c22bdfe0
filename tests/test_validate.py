"""`tradecalc validate`: a scenario or a data file `fetch` wrote, its problems at their lines
(issue 17's review of fetch)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import fixture, run
from typer.testing import CliRunner

from tradecalc.cli.commands import app

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"


runner = CliRunner()


def test_validate_accepts_a_data_file_fetch_wrote(tmp_path):
    out = tmp_path / "data.yaml"
    assert (
        run(
            "fetch",
            "--economies",
            "PAK",
            "AZE",
            "--from-file",
            fixture("pak-aze.json"),
            "-o",
            str(out),
        ).exit_code
        == 0
    )
    result = run("validate", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{out}: ok (data file)\n"
    result = runner.invoke(app, ["validate", "-"], input=out.read_text())
    assert result.exit_code == 0 and result.stderr == "-: ok (data file)\n"


def test_validate_reports_a_data_files_problems_at_their_lines(tmp_path):
    out = tmp_path / "data.yaml"
    run(
        "fetch", "--economies", "PAK", "AZE", "--from-file", fixture("pak-aze.json"), "-o", str(out)
    )
    text = out.read_text()
    line = next(n for n, x in enumerate(text.splitlines(), 1) if "total_usd_m: 7.0" in x)
    out.write_text(text.replace("total_usd_m: 7.0", "total_usd_m: -7.0", 1))
    result = run("validate", str(out))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{out}:{line}: history.0.total_usd_m: input should be greater than or equal to 0, got -7.0"
    ]


def test_validate_still_reads_a_scenario_as_one(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("schema_version: 1\neconomies: [{code: PAK, name: Pakistan}]\n")
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "required key is missing" in result.stderr  # not a data file: no history/products
