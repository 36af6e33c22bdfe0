"""Text is clean everywhere it lands: a bidi or control character from a scenario, a saved
answer's name or a cache entry is escaped in JSON strings (``\\u202e``), in written YAML and in
CSV, not only on the terminal; each reader gets the same text back.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.core.sanitize import csv_cell, json_text, yaml_text

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
RLO = "\u202e"
runner = CliRunner()
HOSTILE = ["a\u202eb", "x\x1b[2Jy", "l\u2028m", "c\x85d", "d\x7fe", "i\u2066j\u2069", "plain"]

SCENARIO = """\
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
    write(SCENARIO)
    result = runner.invoke(app, ["project", "s.yaml", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    raw_free(result.stdout)
    assert '"note": "evil \\u202e note \\u001b[2J"' in result.stdout
    doc = json.loads(result.stdout)  # the same text read back
    assert doc["scenario"]["name"] == f"Toy {RLO}"
    assert doc["sources"][0]["note"] == f"evil {RLO} note \x1b[2J"


def test_csv_on_stdout_escapes_the_name(write):
    write(SCENARIO)
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
