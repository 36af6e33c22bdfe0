"""`tradecalc init`'s starter: its commented lever examples stay valid when uncommented as
written, a base year far from the deadline is warned about, and the help says how the base year
is chosen.

The saved answers are examples/comtrade-pak-aze*.json (MADE-UP values in the API's real shape):
the record ends in 2023.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradecalc.analysis.projecting import project
from tradecalc.cli.commands import app
from tradecalc.scenario.starter import FAR_YEARS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TOTALS = EXAMPLES / "comtrade-pak-aze.json"
PRODUCTS = EXAMPLES / "comtrade-pak-aze-hs2.json"
runner = CliRunner()


def init(tmp_path: Path, *args: str, by: int = 2030):
    result = runner.invoke(
        app,
        ["init", "--economies", "PAK", "AZE", "--target", "2000", "--by", str(by), *args],
        catch_exceptions=False,
    )
    return result


def uncomment_levers(text: str) -> str:
    """Each commented lever example (``# pta:``, ``# tta:``, ``# deals:`` and the lines that
    continue it) without its ``# ``; every other line as it is."""
    lines, inside = [], False
    for line in text.splitlines():
        if re.match(r"# (pta|tta|deals):", line):
            inside = True
        elif not (inside and re.match(r"#\s{2,}\S", line)):
            inside = False
        lines.append(line[2:] if inside else line)
    return "\n".join(lines) + "\n"


def starters(tmp_path: Path) -> dict[str, Path]:
    """A starter of each kind, written by `init` as a user would."""
    written = {}
    result = init(tmp_path, "-o", str(tmp_path / "plain.yaml"))
    assert result.exit_code == 0, result.stderr
    written["total-only, no data"] = tmp_path / "plain.yaml"
    for kind, files in (("total-only", [TOTALS]), ("product", [TOTALS, PRODUCTS])):
        out = tmp_path / f"{kind}.yaml"
        args = [a for f in files for a in ("--from-file", str(f))]
        result = init(tmp_path, *args, "-o", str(out))
        assert result.exit_code == 0, result.stderr
        written[kind] = out
    return written


def test_uncommented_lever_examples_validate_and_run_in_every_starter(tmp_path):
    for kind, path in starters(tmp_path).items():
        text = path.read_text(encoding="utf-8")
        opened = uncomment_levers(text)
        # all three levers uncommented: the starter now holds them as keys
        for key in ("pta:", "tta:", "deals:"):
            assert f"\n{key}" in opened and f"\n{key}" not in text, (kind, key)
        path.write_text(opened, encoding="utf-8")
        result = runner.invoke(app, ["validate", str(path)])
        assert result.exit_code == 0, (kind, result.stdout, result.stderr)
        # warned only about the placeholders the starter says are left to fill in, if at all
        *warned, last = result.stderr.splitlines()
        assert last == f"{path}: ok", kind
        assert all("PLACEHOLDER" in line for line in warned), (kind, warned)
        p = project(path)  # loads and projects: the levers are in the scenario that ran
        assert p.scenario.pta is not None and p.scenario.tta is not None, kind
        assert len(p.scenario.deals) == 1, kind


def test_a_total_only_data_starters_lever_examples_name_sector_all(tmp_path):
    path = starters(tmp_path)["total-only"]
    text = path.read_text(encoding="utf-8")
    # without product rows the flows are sector all, and so are the examples (not `other`)
    assert "sector: other" not in text
    assert text.count("sector: all") == 2 + 2  # two flows, the PTA line and the deal


def test_a_base_year_far_from_the_deadline_warns_in_one_line(tmp_path):
    # the record ends in 2023; a 2040 deadline is 17 years on, more than FAR_YEARS (10)
    assert FAR_YEARS == 10
    out = tmp_path / "far.yaml"
    result = init(tmp_path, "--from-file", str(TOTALS), "-o", str(out), by=2040)
    assert result.exit_code == 0 and result.stdout == ""
    far = [line for line in result.stderr.splitlines() if ": base_year:" in line]
    assert far == [
        f"{out}: base_year: warning: the base year 2023 is 17 years before the deadline 2040 "
        "(more than 10): one assumed trend carries the flows over all of them; fetch later "
        "years, or give --base-year"
    ]
    assert out.exists()  # a warning, not a refusal


@pytest.mark.parametrize(("base", "warned"), [(2023, False), (2020, False), (2019, True)])
def test_a_given_base_year_warns_only_beyond_ten_years(tmp_path, base, warned):
    # --by 2030: 2020 is 10 years before (not beyond), 2019 is 11
    result = init(tmp_path, "--base-year", str(base))
    assert result.exit_code == 0
    assert ("--base-year: warning: the base year" in result.stderr) is warned
    assert len(result.stderr.splitlines()) == int(warned)


def test_the_default_base_year_is_not_far(tmp_path):
    result = init(tmp_path, by=2030)
    assert result.exit_code == 0 and result.stderr == ""
    assert "\nbase_year: 2023\n" in result.stdout  # --by minus 7


def test_init_help_says_how_the_base_year_is_chosen():
    result = runner.invoke(app, ["init", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.stdout.split())
    assert (
        "default: --by minus 7; with --from-file or --fetch, the latest year of the baseline reporter's record"
        in text
    )
    assert "Over 10 years before --by warns" in text
