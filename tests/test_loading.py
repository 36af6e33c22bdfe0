"""Scenario loading: every bad-input class gives exact FILE:LINE messages; extends merges."""

from __future__ import annotations

import os

import pytest
from tests.conftest import TOY
from tests.helpers import assert_refused, fails, invoke

from tradecalc import ScenarioError, load_scenario


def problems(name: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(name)
    return [str(p) for p in caught.value.problems]


def test_toy_loads_with_defaults(write):
    s = load_scenario(write(TOY))
    assert s.by_year == 2030
    assert s.target.counts == ["goods", "energy"]  # v2: customs-comparable by default
    assert s.codes == ("PAK", "AZE") and s.reporter == "PAK"
    assert s.directions == ("pak_to_aze", "aze_to_pak")
    assert s.elasticities.default == 4.0
    assert s.baseline.flows[1].growth == 0.0
    assert s.deal_value_scale == 1.0


def test_syntax_error(write):
    write("name: X\nbase_year: 2023\n  horizon: [\n")
    assert problems("s.yaml") == [
        "s.yaml:3: YAML syntax error: mapping values are not allowed here (column 10)"
    ]


def test_unknown_key_suggests_the_right_one(write):
    write(TOY.replace("growth: 0.05", "growht: 0.05"))
    assert problems("s.yaml") == [
        "s.yaml:7: baseline.flows.0.growht: unknown key (did you mean 'growth'?)"
    ]


def test_unknown_top_level_key(write):
    write(TOY + "horizn: 2035\n")
    assert problems("s.yaml") == ["s.yaml:9: horizn: unknown key (did you mean 'horizon'?)"]


def test_wrong_type(write):
    write(TOY.replace("value_usd_m: 2.7", 'value_usd_m: "2.7"'))
    assert problems("s.yaml") == [
        "s.yaml:8: baseline.flows.1.value_usd_m: input should be a valid number, got '2.7'"
    ]


def test_out_of_range_value(write):
    write(TOY + "pta:\n  start_year: 2025\n  utilization: 1.5\n")
    assert problems("s.yaml") == [
        "s.yaml:11: pta.utilization: input should be less than or equal to 1, got 1.5"
    ]


def test_missing_required_key(write):
    write(TOY.replace("name: Toy\n", ""))
    assert problems("s.yaml") == ["s.yaml:1: name: required key is missing"]


def test_unknown_source_id(write):
    write(
        TOY.replace("assumption: toy}", "source: bashirli_2024}", 1)
        + "sources: [{id: bashirli_2024_09_16, title: Azernews}]\n"
    )
    assert problems("s.yaml") == [
        "s.yaml:7: baseline.flows.0.source: unknown source id 'bashirli_2024' "
        "(did you mean 'bashirli_2024_09_16'?)"
    ]


def test_extends_cycle(write):
    write("extends: b.yaml\nname: A\n", "a.yaml")
    write("extends: a.yaml\nname: B\n", "b.yaml")
    assert problems("a.yaml") == ["b.yaml:1: extends: cycle: a.yaml -> b.yaml -> a.yaml"]


def test_missing_file(write):
    assert problems("nowhere.yaml") == ["nowhere.yaml: cannot read file: no such file"]


def test_missing_parent_file(write):
    write("name: A\nextends: gone.yaml\n")
    assert problems("s.yaml") == ["s.yaml:2: extends: cannot read gone.yaml: no such file"]


def test_empty_file(write):
    write("")
    assert problems("s.yaml") == ["s.yaml:1: empty file: expected a scenario mapping"]


def test_non_mapping_document(write):
    write("- name: Toy\n")
    assert problems("s.yaml") == ["s.yaml:1: expected a mapping of keys, got a list"]


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_infinity(write, value):
    write(TOY.replace("growth: 0.05", f"growth: {value}"))
    shown = {".nan": "nan", ".inf": "inf", "-.inf": "-inf"}[value]
    assert problems("s.yaml") == [
        f"s.yaml:7: baseline.flows.0.growth: input should be a finite number, got {shown}"
    ]


def test_python_tags_are_refused(write, tmp_path):
    marker = tmp_path / "pwned"
    write(f'name: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert problems("s.yaml") == [
        "s.yaml:1: name: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
    ]
    assert not marker.exists()


def test_alias_bomb_is_refused(write):
    # "billion laughs": 9 levels of 9 aliases = 9**9 strings if expanded
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    write("\n".join(lines) + "\n")
    (message,) = problems("s.yaml")
    assert message.endswith("document too large: more than 50,000 values after expanding aliases")


def test_duplicate_key(write):
    write(TOY + "name: Again\n")
    assert problems("s.yaml") == ["s.yaml:9: name: duplicate key"]


def test_not_utf8(write, tmp_path):
    (tmp_path / "s.yaml").write_bytes(b"name: caf\xe9\n")
    assert problems("s.yaml") == ["s.yaml:1: not UTF-8 text (byte 0xe9)"]


def test_every_problem_is_reported_at_once(write):
    write(
        TOY.replace("growth: 0.05", "growth: -2").replace("direction: aze_to_pak", "direction: x")
    )
    assert problems("s.yaml") == [
        "s.yaml:7: baseline.flows.0.growth: input should be greater than -1, got -2",
        "s.yaml:8: baseline.flows.1.direction: must be <a>_to_<b> from the two economies' codes "
        "in lower case, e.g. pak_to_aze, got 'x'",
    ]


def test_cross_field_rules(write):
    write(
        TOY.replace("by_year: 2030", "by_year: 2031")
        + """\
pta:
  start_year: 2025
  lines:
    - {direction: pak_to_aze, sector: textiles, coverage: 0.7, mfn_tariff: 0.1}
    - {direction: pak_to_aze, sector: textiles, coverage: 0.5, mfn_tariff: 0.1, preferential_tariff: 0.2}
tta: {start_year: 2025, transit_days_before: 14, transit_days_after: 21}
deals:
  - {name: D, direction: aze_to_pak, sector: energy, value_usd_m: 1, start_year: 2026, end_year: 2025, probability: 1}
  - {name: D, direction: aze_to_pak, sector: energy, value_usd_m: 1, start_year: 2020, probability: 1}
"""
    )
    assert problems("s.yaml") == [
        "s.yaml:4: target.by_year: must satisfy base_year < target.by_year <= horizon "
        "(got 2023 < 2031 <= 2030)",
        "s.yaml:13: pta.lines.1.coverage: coverages of flow pak_to_aze/textiles sum to 1.2, more than 1",
        "s.yaml:13: pta.lines.1.preferential_tariff: must be <= mfn_tariff 0.1, got 0.2",
        "s.yaml:16: deals.0.end_year: must be >= start_year 2026, got 2025",
        "s.yaml:17: deals.1.name: duplicate deal name 'D'",
        "s.yaml:17: deals.1.start_year: must be within base_year..horizon (2023..2030), got 2020",
    ]


def test_elasticity_for_an_unknown_sector_is_a_typo(write):
    write(TOY + "elasticities: {default: 4, textils: 5}\n")
    assert problems("s.yaml") == [
        "s.yaml:9: elasticities.textils: no flow or PTA line has sector 'textils' "
        "(did you mean 'textiles'?)"
    ]


def test_extends_merges_deeply_and_by_key(write):
    write(
        TOY
        + """\
pta: {start_year: 2025, utilization: 0.5, lines: [{direction: pak_to_aze, sector: textiles, mfn_tariff: 0.15}]}
deals:
  - {name: A, direction: aze_to_pak, sector: energy, value_usd_m: 100, start_year: 2026, probability: 0.2}
  - {name: B, direction: aze_to_pak, sector: energy, value_usd_m: 50, start_year: 2026, probability: 1}
sources: [{id: s1, title: One}]
""",
        "base.yaml",
    )
    write(
        """\
extends: base.yaml
name: Child
pta: {utilization: 0.9}
baseline:
  flows:
    - {direction: aze_to_pak, sector: chemicals, growth: 0.1}
deals:
  - {name: A, probability: 1}
  - {name: C, direction: pak_to_aze, sector: textiles, value_usd_m: 5, start_year: 2027, probability: 1, source: s1}
target: {counts: [goods]}
""",
        "child.yaml",
    )
    s = load_scenario("child.yaml")
    assert s.name == "Child"
    assert s.pta.utilization == 0.9 and s.pta.start_year == 2025 and len(s.pta.lines) == 1
    assert [(f.sector, f.value_usd_m, f.growth) for f in s.baseline.flows] == [
        ("textiles", 24.3, 0.05),
        ("chemicals", 2.7, 0.1),
    ]
    assert [(d.name, d.value_usd_m, d.probability) for d in s.deals] == [
        ("A", 100, 1.0),
        ("B", 50, 1.0),
        ("C", 5, 1.0),
    ]
    assert s.target.counts == ["goods"] and s.target.value_usd_m == 2000


def test_null_removes_what_a_parent_set(write):
    write(
        TOY + "tta: {start_year: 2025, transit_days_before: 21, transit_days_after: 14}\n",
        "base.yaml",
    )
    write("extends: base.yaml\ntta: null\n")
    assert load_scenario("s.yaml").tta is None


def test_problems_in_a_child_point_at_the_child(write):
    write(TOY, "base.yaml")
    write("extends: base.yaml\ndeal_value_scale: -1\n")
    assert problems("s.yaml") == [
        "s.yaml:2: deal_value_scale: input should be greater than or equal to 0, got -1"
    ]


def test_stdin_text_extends_from_the_working_directory(write):
    write(TOY, "base.yaml")
    s = load_scenario("-", text="extends: base.yaml\nname: Piped\n")
    assert s.name == "Piped" and s.base_year == 2023


def test_a_slower_route_is_allowed(write):
    """v2: transit_days_after above transit_days_before is a disruption, not an error."""
    write(TOY + "tta: {start_year: 2025, transit_days_before: 14, transit_days_after: 21}\n")
    assert load_scenario("s.yaml").tta.transit_days_after == 21


def test_probability_is_required(write):
    write(
        TOY
        + "deals: [{name: D, direction: aze_to_pak, sector: energy, value_usd_m: 1, start_year: 2026}]\n"
    )
    assert problems("s.yaml") == ["s.yaml:9: deals.0.probability: required key is missing"]


def test_v2_rules_across_fields(write):
    write(
        TOY
        + """history:
  - {year: 2022, reporter: PAK, total_usd_m: 20}
  - {year: 2022, reporter: PAK, total_usd_m: 21}
  - {year: 2021, reporter: PAK, period: partial, total_usd_m: 5}
tariff_changes:
  - {name: T, direction: pak_to_aze, sector: rice, tariff_before: 0, tariff_after: 0.15, year: 2028}
deals:
  - {name: D, direction: aze_to_pak, sector: energy, value_usd_m: 10, value_range_usd_m: [20, 30],
     start_year: 2026, probability: 1}
uncertainty: {shock_sd: from_history}
"""
    )
    assert problems("s.yaml") == [
        "s.yaml:11: history.1: duplicate history entry 2022/PAK/calendar",
        "s.yaml:12: history.2.months: required when period is partial",
        "s.yaml:14: tariff_changes.0: no baseline flow pak_to_aze/rice for this tariff change",
        "s.yaml:16: deals.0.value_range_usd_m: must satisfy low <= value_usd_m <= high "
        "(got 20 <= 10 <= 30)",
        "s.yaml:18: uncertainty.shock_sd: from_history needs at least 3 year-on-year changes of "
        "PAK's calendar-year totals in history:, found 0",
    ]


# Odd and hostile input found in review: one clear line and exit 2, never a traceback.


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: x\nd: 2024-02-30\n",
            "<stdin>:2: d: cannot read '2024-02-30': day is out of range for month",
        ),
        ("name: &a [*a]\n", None),  # an alias inside itself
        ("name: " + "[" * 200 + "]" * 200 + "\n", None),  # nested far too deep
        ("n: " + "9" * 5000 + "\n", None),  # an integer too long to read
    ],
)
def test_odd_yaml_is_one_line(text, message):
    stderr = fails("validate", "-", input=text)
    assert len(stderr.splitlines()) == 1
    if message:
        assert stderr == message + "\n"
    else:
        assert stderr.startswith("<stdin>")


def test_non_utf8_and_oversized_stdin():
    assert fails("project", "-", input=b"name: \xff\n") == "<stdin>:1: not UTF-8 text (byte 0xff)\n"
    assert fails("project", "-", input=b"#" * 5_000_001) == (
        "<stdin>: larger than 5,000,000 bytes\n"
    )


def test_merge_keys_can_be_overridden():
    from tradecalc.scenario.yamlread import parse_yaml

    doc = parse_yaml("a: &c {x: 1, y: 2}\nb:\n  <<: *c\n  x: 5\n", "m.yaml")
    assert doc["b"] == {"x": 5, "y": 2}
    with pytest.raises(ScenarioError):
        parse_yaml("b:\n  x: 1\n  x: 2\n", "m.yaml")  # a mapping's own duplicate stays an error


def test_plain_exponent_numbers_are_numbers(write):
    s = load_scenario(
        write(
            TOY.replace("value_usd_m: 24.3", "value_usd_m: 2.43e1").replace(
                "value_usd_m: 2000", "value_usd_m: 2e3"
            )
        )
    )
    assert s.target.value_usd_m == 2000.0 and s.baseline.flows[0].value_usd_m == 24.3


def test_impossible_magnitudes_are_validation_errors(write):
    assert fails("project", write(TOY), "--set", "baseline.flows.0.value_usd_m=1e308") == (
        "--set baseline.flows.0.value_usd_m=1e308: baseline.flows.0.value_usd_m: input should be "
        "less than or equal to 1000000000, got 1e+308\n"
    )


def test_extends_keeps_two_lines_on_one_flow(write):
    write(
        TOY
        + "pta: {start_year: 2025, lines: [{direction: pak_to_aze, sector: textiles, coverage: 0.4, mfn_tariff: 0.15}]}\n",
        "base.yaml",
    )
    write("""\
extends: base.yaml
pta:
  lines:
    - {direction: pak_to_aze, sector: textiles, coverage: 0.3}
    - {direction: pak_to_aze, sector: textiles, coverage: 0.5, mfn_tariff: 0.1}
""")
    lines = load_scenario("s.yaml").pta.lines
    # the first child line merges into the parent's line, the second is added
    assert [(ln.coverage, ln.mfn_tariff) for ln in lines] == [(0.3, 0.15), (0.5, 0.1)]
    assert fails("project", "s.yaml", "--set", "pta.lines.pak_to_aze/textiles.coverage=0.1") == (
        "--set pta.lines.pak_to_aze/textiles.coverage=0.1: pta.lines.pak_to_aze/textiles: "
        "2 items are named 'pak_to_aze/textiles': use the index instead\n"
    )


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "schema_version: 1\nname: a\x00b\n",
            "s.yaml:2: the character U+0000 (NUL, a control character) at column 8 is not "
            'allowed in YAML: remove it, or write it as \\x00 inside double quotes ("...")',
        ),
        (
            "name: x\ndescription: 'a\x1b[2Jb'\n",
            "s.yaml:2: the character U+001B (ESC, a control character) at column 16 is not "
            'allowed in YAML: remove it, or write it as \\x1b inside double quotes ("...")',
        ),
        (
            "a: " + "[" * 200_000 + "]" * 200_000 + "\n",
            "s.yaml:1: nested more than 50 levels deep (column 53)",
        ),
        (
            "a:\n" + "".join(" " * i + "-\n" for i in range(1, 2000)),
            "s.yaml:51: nested more than 50 levels deep (column 51)",
        ),
        ("a: 1\n\tb: 2\n", "s.yaml:2: YAML syntax error: found character '\\t' that cannot start "
         "any token (column 1)"),
    ],
    ids=["nul", "esc", "deep-flow", "deep-block", "tab"],
)  # fmt: skip
def test_yaml_reader_errors_name_line_and_column(write, text, line):
    write(text)
    assert_refused(invoke("validate", "s.yaml"), line)
    assert_refused(invoke("project", "s.yaml"), line)


@pytest.mark.parametrize("gap", [10, 16_500, 100_000])
def test_a_syntax_error_then_a_control_character_later_is_one_line(write, gap):
    """libyaml stops at the syntax error and PyYAML's reader, asked for the same message,
    refuses the control character in its constructor: main gave ReaderError's traceback when
    the two were 16 KB apart (libyaml reads 16 KB at a time)."""
    write("name: [unclosed\nnote: " + "a" * gap + "\nother: \x07\n")
    line = (
        "s.yaml:3: the character U+0007 (BEL, a control character) at column 8 is not allowed "
        'in YAML: remove it, or write it as \\x07 inside double quotes ("...")'
    )
    assert_refused(invoke("validate", "s.yaml"), line)
    assert_refused(invoke("project", "s.yaml"), line)


def test_extends_a_special_file_or_a_bad_character(write, tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    write("name: x\nextends: /dev/zero\n")
    assert_refused(
        invoke("project", "s.yaml"),
        "s.yaml:2: extends: cannot read /dev/zero: not a regular file (a device)",
    )
    write("extends: pipe.yaml\n")
    assert_refused(
        invoke("project", "s.yaml"),
        "s.yaml:1: extends: cannot read pipe.yaml: not a regular file (a FIFO)",
    )
    write("name: ok\n\n# a comment \x1b]0;title\x07\n", "parent.yaml")
    write("extends: parent.yaml\n")
    result = invoke("project", "s.yaml")
    assert_refused(
        result,
        "parent.yaml:3: the character U+001B (ESC, a control character) at column 13 is not "
        'allowed in YAML: remove it, or write it as \\x1b inside double quotes ("...")',
    )
