"""`tradecalc init`: options checked by the scenario's own rules, names that cannot inject YAML, an
atomic -o with one winner, a starter that validates and runs (issue 20, items 1-3 and 11;
format version 2)."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import stat
from pathlib import Path

import pytest
import yaml
from tests.conftest import ROOT
from tests.helpers import INIT, WRITERS, assert_refused, invoke, ok
from typer.testing import CliRunner

import tradecalc
from tradecalc.cli.commands import app

runner = CliRunner()


BASE = str(ROOT / "scenarios" / "base.yaml")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--target", "inf"], "--target: input should be a finite number, got inf"),
        (
            ["--target", "1e300"],
            "--target: input should be less than or equal to 1000000000, got 1e+300",
        ),
        (["--by", "99999"], "--by: input should be less than or equal to 2200, got 99999"),
        (["--by", "1800"], "--by: input should be greater than or equal to 1900, got 1800"),
        (
            ["--base-year", "1000"],
            "--base-year: input should be greater than or equal to 1900, got 1000",
        ),
        (["--target", "nan"], "--target: must be above 0 (US$ million)"),
    ],
)
def test_init_options_follow_the_scenario_rules(tmp_path, args, line):
    out = tmp_path / "s.yaml"
    # the later option wins in click, so the bad value replaces the good one in INIT
    result = invoke(*INIT, *args, "-o", str(out))
    assert_refused(result, line)
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--target", "inf"], "--target: input should be a finite number, got inf"),
        (["--by", "99999"], "--by: input should be less than or equal to 2200, got 99999"),
        (["--by", "2200"], "--by: at most 100 years after base_year 2023, got 2200"),
        (["--name", "UZB=a\x1bb"], "--name: the name of UZB holds a control character"),
    ],
)
def test_init_from_data_follows_the_scenario_rules(tmp_path, args, line):
    """The starter that extends a data file is read back merged with it before either is written."""
    out = tmp_path / "s.yaml"
    result = invoke(*WRITERS["init --from-file"], *args, "-o", str(out))
    assert_refused(result, line)
    assert os.listdir(tmp_path) == []


def test_init_at_the_edges_writes_a_file_that_validates(tmp_path):
    """The last year a scenario may name (2200, terms.Year) and the largest target (1e9)."""
    out = tmp_path / "edge.yaml"
    result = invoke(*INIT, "--by", "2200", "--target", "1e9", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert invoke("validate", str(out)).exit_code == 0
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["horizon"] == 2200 and doc["target"]["by_year"] == 2200
    assert doc["target"]["value_usd_m"] == 1e9


INJECTIONS = [
    'Uz"bek',
    "Uz\\bek\\",
    "Uz: bek",
    "Uz #bek",
    'Uz" value_usd_m: 999',
    "Uz}, {code: XXX, name: evil",
    "'single' & *alias !tag %pct [x] {y}",
    "- item",
    "Café ünïcödé 中文",
]


@pytest.mark.parametrize("name", INJECTIONS)
def test_init_name_cannot_inject_yaml(tmp_path, name):
    plain = yaml.safe_load(invoke(*INIT, "--name", "UZB=PLAIN").stdout)
    result = invoke(*INIT, "--name", f"UZB={name}", "-o", str(tmp_path / "s.yaml"))
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "s.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["economies"][1] == {"code": "UZB", "name": name.strip()}
    # the same file as with a plain name, name for name: no key added, none changed
    swapped = json.loads(json.dumps(doc).replace(json.dumps(name.strip())[1:-1], "PLAIN"))
    assert swapped == plain
    assert invoke("validate", str(tmp_path / "s.yaml")).exit_code == 0


@pytest.mark.parametrize("name", INJECTIONS[:5])
def test_init_from_data_name_cannot_inject_yaml(tmp_path, name):
    out = tmp_path / "s.yaml"
    result = invoke(*WRITERS["init --from-file"], "--name", f"UZB={name}", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["economies"][1] == {"code": "UZB", "name": name.strip()}
    assert invoke("validate", str(out)).exit_code == 0


@pytest.mark.parametrize(
    "name", ['Uz" \n value_usd_m: 999', "a\rb", "a\x1b[2Jb", "a\u202eb", "a\u2028b", "a\x00b"]
)
def test_init_refuses_control_characters_in_names(tmp_path, name):
    out = tmp_path / "s.yaml"
    result = invoke(*INIT, "--name", f"UZB={name}", "-o", str(out))
    assert_refused(result, "--name: the name of UZB holds a control character")
    assert not out.exists()


def _race_init(barrier, args: list[str], path: str, name: str) -> None:
    barrier.wait()
    result = runner.invoke(app, [*args, "--name", f"UZB={name}", "-o", path])
    os._exit(result.exit_code)


@pytest.mark.parametrize("source", ["starter", "from-file"])
def test_init_output_has_exactly_one_winner(tmp_path, source):
    """8 processes released together onto one new path: one writes, 7 refuse, the file is whole
    (with --from-file: both files, the starter and the data file it extends)."""
    path = str(tmp_path / "s.yaml")
    args = WRITERS["init" if source == "starter" else "init --from-file"]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(8)
    racers = [
        context.Process(target=_race_init, args=(barrier, args, path, f"Racer {i}"))
        for i in range(8)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)
    codes = sorted(racer.exitcode for racer in racers)
    assert codes == [0] + [2] * 7
    winner = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["economies"][1]["name"]
    assert re.fullmatch(r"Racer [0-7]", winner)
    written = ["s.yaml"] if source == "starter" else ["s-data.yaml", "s.yaml"]
    assert sorted(os.listdir(tmp_path)) == written  # no temporary file left by anyone
    if source == "from-file":
        assert invoke("validate", path).exit_code == 0


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named temporary"])
def test_write_new_refuses_a_taken_name(tmp_path, monkeypatch, unnamed):
    """Both ways of writing (Linux's unnamed temporary file, and the named one elsewhere)."""
    from tradecalc.core import safeio

    if not unnamed:
        monkeypatch.setattr(safeio, "_write_unnamed", lambda *args, **kwargs: False)
    target = tmp_path / "new.yaml"
    safeio.write_new(target, "first\n")
    with pytest.raises(tradecalc.ScenarioError) as refused:
        safeio.write_new(target, "second\n", refusal="exists already")
    assert [str(p) for p in refused.value.problems] == [f"--output {target}: exists already"]
    assert target.read_text() == "first\n"
    assert os.listdir(tmp_path) == ["new.yaml"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_init_loser_says_why_and_keeps_the_file(tmp_path):
    out = tmp_path / "s.yaml"
    out.write_text("mine\n")
    assert_refused(
        invoke(*INIT, "-o", str(out)), f"--output {out}: exists already: init never overwrites"
    )
    assert out.read_text() == "mine\n"


# Issue 20, items 8, 9 and 11-15: outputs that set no traps, and the economics and data fixes.


def test_init_never_writes_yaml_under_another_formats_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("x.json", "x.JSON", "x.csv", "x.md", "x.xlsx"):
        result = runner.invoke(
            app,
            ["init", "--economies", "PAK", "UZB", "--target", "2000", "--by", "2030", "-o", name],
        )
        assert (result.exit_code, result.stdout) == (2, "")
        suffix = Path(name).suffix
        assert result.stderr == (
            f"--output {name}: init writes a YAML scenario, not {suffix}: name the file .yaml\n"
        )
    assert not list(tmp_path.iterdir())
    ok("init", "--economies", "PAK", "UZB", "--target", "2000", "--by", "2030", "-o", "x.yaml")
    assert (tmp_path / "x.yaml").read_text(encoding="utf-8").startswith("#")


# Format version 2: any pair of economies, what counts, the record, warnings, overrides, schema.


def test_init_writes_a_scenario_that_validates_and_runs(tmp_path):
    out = tmp_path / "pak-uzb.yaml"
    result = invoke(
        "init", "--economies", "PAK", "UZB", "--target", "2000", "--by", "2030", "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "Uzbekistan" in text and "pak_to_uzb" in text and "uzb_to_pak" in text
    assert "Azerbaijan" not in text
    # every number it cannot know is a labelled placeholder, never a made-up figure
    live = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert re.findall(r"value_usd_m: ([\d.]+)", live) == ["2000", "0.0", "0.0"]
    assert text.count("PLACEHOLDER") >= 3
    assert invoke("validate", str(out)).exit_code == 0
    doc = json.loads(invoke("project", str(out), "-f", "json").stdout)
    assert doc["target"]["by_year"] == 2030 and doc["scenario"]["base_year"] == 2023
    again = invoke(
        "init", "--economies", "PAK", "UZB", "--target", "2000", "--by", "2030", "-o", str(out)
    )
    assert again.exit_code == 2 and "exists already" in again.stderr
    assert out.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["PAK", "XQZ"],
            "--economies: 'XQZ' is not an ISO 3166 alpha-3 code: give --name XQZ=NAME",
        ),
        (["PAK", "PAK"], "--economies: give two different economy codes"),
        (["PAK", "uz-b"], "--economies: 'UZ-B' is not a code like PAK"),
    ],
)
def test_init_refuses_bad_codes(args, message):
    result = invoke("init", "--economies", *args, "--target", "2000", "--by", "2030")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_init_takes_a_name_for_a_non_iso_code():
    result = invoke(
        "init", "--economies", "PAK", "EAEU", "--name", "EAEU=Eurasian Economic Union",
        "--target", "2000", "--by", "2030",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Eurasian Economic Union" in result.stdout and "pak_to_eaeu" in result.stdout
