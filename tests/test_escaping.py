"""User text shown safely: names and labels escaped in tables, CSV, JSON, written YAML, charts
and messages, never markup, formulas or raw control characters; ASCII stand-ins on an ASCII
terminal (issues 7, 20, 29)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.conftest import ROOT, TOY
from tests.helpers import FIXTURES
from typer.testing import CliRunner

from tradecalc import load_scenario
from tradecalc.cli.commands import app
from tradecalc.core.sanitize import csv_cell, json_text, yaml_text

runner = CliRunner()


BAD = Path(__file__).parent / "bad_inputs"


def test_control_characters_are_escaped_not_echoed(monkeypatch):
    monkeypatch.chdir(BAD)
    forged = runner.invoke(app, ["project", "key-newline-forgery.yaml"]).stderr
    # the newline is shown as \x0a: the forged "forged.yaml:1:" stays inside one line
    assert forged == "key-newline-forgery.yaml:10: x\\x0aforged.yaml:1: name: fine: unknown key\n"
    escape = runner.invoke(app, ["project", "key-escape-sequence.yaml"]).stderr
    assert escape == "key-escape-sequence.yaml:10: \\x1b[2J\\x1b[H: unknown key\n"
    bidi = runner.invoke(app, ["project", "key-bidi-override.yaml"]).stderr
    assert bidi == "key-bidi-override.yaml:10: abc\\u202eevil: unknown key\n"
    long = runner.invoke(app, ["project", "value-very-long.yaml"]).stderr
    assert len(long) < 500 and long.endswith("…\n")  # 20,000 characters cut at 400


def test_set_labels_are_escaped(write):
    write(TOY)
    stderr = runner.invoke(app, ["project", "s.yaml", "--set", "na\x1bme\n=x"]).stderr
    assert stderr == "--set na\\x1bme\\x0a=x: na\\x1bme: unknown key (did you mean 'name'?)\n"


def test_names_are_escaped_in_tables_and_csv_cells_are_not_formulas(write):
    write(TOY.replace("name: Toy", 'name: "=HYPERLINK(\\"http://x\\")\\e[31m\\u202Eevil"'))
    csv = runner.invoke(app, ["project", "s.yaml", "-f", "csv"]).stdout
    rows = csv.splitlines()[1:]
    assert rows and all(
        r.startswith('"\'=HYPERLINK(""http://x"")\\x1b[31m\\u202eevil",') for r in rows
    )
    for fmt in ("table", "markdown"):
        out = runner.invoke(app, ["project", "s.yaml", "-f", fmt], env={"COLUMNS": "200"}).stdout
        assert "\x1b" not in out and "\u202e" not in out
        assert "\\x1b[31m\\u202eevil" in out
    assert (
        "\x1b"
        in json.loads(runner.invoke(app, ["project", "s.yaml", "-f", "json"]).stdout)["scenario"][
            "name"
        ]
    )  # JSON is data: the name exactly as written


def test_names_compare_after_nfc(write):
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    deal = "{{name: {}, direction: pak_to_aze, sector: textiles, value_usd_m: 1, start_year: 2026, probability: 1, assumption: toy}}"
    write(TOY + f"deals: [{deal.format(composed)}]\n")
    result = runner.invoke(
        app, ["project", "s.yaml", "-f", "json", "--set", f"deals.{decomposed}.value_usd_m=5"]
    )
    assert result.exit_code == 0, result.stderr
    write(f"extends: s.yaml\ndeals: [{{name: {decomposed}, probability: 0.5}}]\n", "child.yaml")
    deals = load_scenario("child.yaml").deals
    assert [(d.name, d.probability) for d in deals] == [(composed, 0.5)]  # merged, not added


def test_a_dollar_in_a_name_is_not_mathtext(write, tmp_path):
    write(TOY.replace("name: Toy", 'name: "a $\\\\frac{ $ b"'))
    result = runner.invoke(app, ["project", "s.yaml", "--plot", "c.png", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "c.png").read_bytes().startswith(b"\x89PNG")


# Odd and hostile input found in review: one clear line and exit 2, never a traceback.


def test_markup_characters_in_names_and_paths(write):
    write(TOY.replace("name: Toy", 'name: "Case [/b] x [draft]"'), "x[b].yaml")
    for command in (
        ["compare", "x[b].yaml", "x[b].yaml"],
        ["project", "x[b].yaml"],
        ["sweep", "x[b].yaml", "--grid", "deal_value_scale=0:1:2"],
    ):
        result = runner.invoke(app, command, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
    assert "Case [/b] x [draft]" in runner.invoke(app, ["project", "x[b].yaml"]).stdout


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


BASE = str(ROOT / "scenarios" / "base.yaml")


TRADECALC = [sys.executable, "-m", "tradecalc"]


def test_ascii_terminal_gets_ascii_arrows():
    env = {**os.environ, "LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}
    env.pop("PYTHONIOENCODING", None)
    done = subprocess.run(
        [*TRADECALC, "project", BASE], env=env, capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode("ascii", "replace")
    assert done.stderr == b""
    text = done.stdout.decode("ascii")  # nothing the stream cannot hold
    assert "PAK->AZE" in text and "Base case" in text
    # the stand-ins are put in before the layout: every row of every box is 80 wide
    assert {len(line) for line in text.splitlines() if line.startswith(("|", "+"))} == {80}


def test_ascii_text_stand_ins():
    from tradecalc.core.sanitize import ascii_text

    assert ascii_text("PAK\u2192AZE \u2026 T\u00fcrkiye \u2013 3 \u00d7 \u2264 \u4e2d") == (
        "PAK->AZE ... Turkiye - 3 x <= ?"
    )


# Text is clean where it lands (issue 29): a bidi or control character from a scenario or a
# saved answer's name is escaped in JSON strings (\u202e), written YAML and CSV, not only on
# the terminal; each reader gets the same text back.

RLO = "\u202e"
HOSTILE = ["a\u202eb", "x\x1b[2Jy", "l\u2028m", "c\x85d", "d\x7fe", "i\u2066j\u2069", "plain"]

RLO_SCENARIO = """\
name: "Toy \\u202e"
base_year: 2023
horizon: 2030
target: {value_usd_m: 2000, by_year: 2030}
baseline:
  flows:
    - {direction: pak_to_aze, sector: textiles, value_usd_m: 24.3, growth: 0.05, source: s1}
sources:
  - {id: s1, title: "T", note: "evil \\u202e note \\x1b[2J"}
"""


def raw_free(text: str) -> None:
    assert all(c not in text for c in (RLO, "\x1b", "\u2028", "\x85", "\x7f", "\u2066"))


def test_json_on_stdout_escapes_a_source_notes_rlo(write):
    write(RLO_SCENARIO)
    result = runner.invoke(app, ["project", "s.yaml", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    raw_free(result.stdout)
    assert '"note": "evil \\u202e note \\u001b[2J"' in result.stdout
    doc = json.loads(result.stdout)  # the same text read back
    assert doc["scenario"]["name"] == f"Toy {RLO}"
    assert doc["sources"][0]["note"] == f"evil {RLO} note \x1b[2J"


def test_csv_on_stdout_escapes_the_name(write):
    write(RLO_SCENARIO)
    result = runner.invoke(app, ["project", "s.yaml", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    raw_free(result.stdout)
    assert "Toy \\u202e" in result.stdout


def test_a_saved_answers_name_reaches_the_data_file_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = f"pak{RLO}aze.json"
    shutil.copy(FIXTURES / "pak-aze.json", tmp_path / name)
    result = runner.invoke(app, ["fetch", "--economies", "PAK", "AZE", "--from-file", name])
    assert result.exit_code == 0, result.stderr
    raw_free(result.stdout)
    notes = [s["note"] for s in yaml.safe_load(result.stdout)["sources"]]
    assert any(f"read from {name} (SHA-256" in n for n in notes)  # the same text read back


@pytest.mark.parametrize("text", HOSTILE)
def test_yaml_text_escapes_and_reads_back(text):
    doc = {"key " + text: [text, {"note": text}], "n": 1.5}
    written = yaml_text(doc, sort_keys=False, allow_unicode=True, width=100)
    raw_free(written)
    assert yaml.safe_load(written) == doc


@pytest.mark.parametrize("text", HOSTILE)
def test_json_text_escapes_and_reads_back(text):
    written = json_text(json.dumps({text: [text]}, ensure_ascii=False))
    raw_free(written)
    assert json.loads(written) == {text: [text]}


def test_csv_cells_of_any_kind_are_escaped():
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(v) for v in ("a\u202eb", ["x\x1b"], 2.5, None)])
    raw_free(buffer.getvalue())
    assert buffer.getvalue() == "a\\u202eb,['x\\x1b'],2.5,\r\n"
