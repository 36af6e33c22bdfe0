"""`tradecalc project`'s header: a headline a reporter can copy first, the verdict naming the
deadline, numbers that never part from their units, and the other side's statistics."""

from __future__ import annotations

import json
import re

import pytest
from tests.helpers import BASE, INIT, run, runner

from tradecalc.cli.commands import app


def table(*args: str, columns: int = 80) -> list[str]:
    result = runner.invoke(app, ["project", *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def as_json(*args: str) -> dict:
    result = run("project", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def flat(lines: list[str]) -> str:
    """The header's wrapped lines as one text (the label column and padding dropped)."""
    return " ".join(line[17:].strip() if line[:17].strip() == "" else line for line in lines)


def test_the_first_three_lines_hold_the_headline_a_reporter_can_copy():
    doc = as_json(BASE)
    central = doc["target"]["measure_at_by_year_usd_m"]  # 40.5: the README's measure_2030
    share = central / doc["target"]["value_usd_m"]
    p = doc["odds"]["probability_by_year"]
    head = flat(table(BASE)[:3])
    assert head.startswith("Headline")
    expected = (
        f"2030: {central:,.1f} of 2,000 US$ m ({100 * share:.0f} %), central path; "
        f"P(reached in some year up to 2030) {100 * p:.2f} %"
    )
    assert expected in re.sub(r"\s+", " ", head)
    assert f"{central:,.1f}" == "40.5" and f"{100 * share:.0f}" == "2"


def test_the_verdict_names_the_deadline_and_the_horizon():
    lines = table(BASE)
    verdict = next(line for line in lines if line.startswith("Verdict"))
    assert "not by 2030; not within the horizon, 2035" in verdict


@pytest.mark.parametrize("columns", [60, 72, 80, 90, 100, 120])
def test_numbers_never_break_from_their_units(columns):
    lines = table(BASE, columns=columns)
    header = "\n".join(lines[: lines.index("")])
    for pattern in (
        r"[0-9]\s*\n\s*(%|US\$|±)",  # 0.10 | %   and  2,000 | US$ m
        r"(%|±)\s*\n\s*(±|[0-9])",  # 0.10 % | ± 0.01
        r"US\$\s*\n\s*m\b",  # US$ | m
    ):
        assert not re.search(pattern, header), (columns, pattern, header)


def test_the_header_keeps_its_order():
    labels = [line[:17].strip() for line in table(BASE, columns=100) if line[:17].strip()]
    # issue 26: the panel's base rate sits below the odds line
    order = [
        "Headline",
        "Verdict",
        "Odds",
        "Base rate",
        "Outside view",
        "Normal level",
        "PAK's figures",
        "Scenario",
    ]
    assert labels[: len(order)] == order


def test_the_other_reporters_figures_and_required_growth_are_shown_and_in_json():
    other = as_json(BASE)["target"]["other_reporter"]
    # base.yaml's history: PAK's FY2024 (Jul 2023-Jun 2024) total 5.96 (profit_2025_02);
    # hand computation: (2000 / 5.96) ** (1 / 6) - 1 = 1.63611...
    assert other["reporter"] == "PAK" and other["year"] == 2024
    assert other["period"] == "fy_jul_jun" and other["measure_usd_m"] == 5.96
    assert other["required_growth"] == pytest.approx((2000 / 5.96) ** (1 / 6) - 1, rel=1e-12)
    assert round(other["required_growth"], 4) == 1.6361
    line = re.sub(r"\s+", " ", flat([x for x in table(BASE, columns=200) if "PAK's figures" in x]))
    assert "FY Jul 2023-Jun 2024 (fiscal year, profit_2025_02): 6.0 US$ m as PAK reports it" in line
    assert "the target needs 163.61 % a year, 2024-2030" in line


def test_no_other_reporter_line_without_its_record(tmp_path):
    out = tmp_path / "s.yaml"
    assert run(*INIT, "-o", str(out)).exit_code == 0
    assert as_json(str(out))["target"]["other_reporter"] is None
    assert not any("'s figures" in line for line in table(str(out)))


def test_a_baseline_that_is_not_as_reported_is_not_called_reported(tmp_path):
    """Issue 28, point 6: the header said "baseline as reported by PAK" above a record row
    "UNSD aggregate, not as reported" for the same year; now both say what the figure is."""
    from tests.helpers import init_from, run

    result, out = init_from(tmp_path, ("PAK", "AZE"), "pak-aze.json")
    assert result.exit_code == 0, result.stderr
    # made up in the fixture: PAK's 2023 imports are a UNSD aggregate (isReported false)
    on_pak = run("project", str(out), "--set", "baseline.reporter=PAK", "--set", "base_year=2023")
    assert on_pak.exit_code == 0, on_pak.stderr
    assert "baseline from PAK's record (UNSD aggregate, not as reported)" in " ".join(
        on_pak.stdout.split()
    )
    assert "baseline as reported by PAK" not in on_pak.stdout
    on_aze = run("project", str(out), "--set", "base_year=2023")  # AZE's 2023 is reported
    assert "baseline as reported by AZE" in " ".join(on_aze.stdout.split())
