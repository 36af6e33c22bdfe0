"""Saved Comtrade answers (`fetch --from-file`, `init --from-file`) that are hostile: each is
one ``FILE:LINE: path: message`` line, exit 2, no traceback, nothing written; codes and years
are ASCII digits; a refused file costs about one chunk of memory, not the cap.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.hostile import ROW, envelope, run_measured
from typer.testing import CliRunner

from tradecalc.cli.commands import app

runner = CliRunner()
GIB = 1 << 30
FETCH = ["fetch", "--economies", "PAK", "AZE", "--from-file"]
INIT = ["init", "--economies", "PAK", "AZE", "--target", "100", "--by", "2030", "--from-file"]


def refused(tmp_path: Path, name: str, data: bytes, command: list[str]) -> str:
    """Run ``command FILE -o ...`` on ``data``; check the contract; the one stderr line."""
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "s.yaml"
    result = runner.invoke(app, [*command, str(path), "-o", str(out)])
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"{path}:"), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing written
    return result.stderr


def pretty(rows: list[dict]) -> bytes:
    """An envelope as the API writes it, one field a line: row 0 starts at line 5."""
    return json.dumps({"elapsedTime": "0", "count": len(rows), "data": rows}, indent=4).encode()


@pytest.mark.parametrize("command", [FETCH, INIT], ids=["fetch", "init"])
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "primaryValue",
            int("9" * 400),
            ":5: data.0.primaryValue: a 400-digit number of US$ is more than any trade flow",
        ),
        ("refYear", "²", ":5: data.0.refYear: expected a year such as 2023, got '²'"),
        ("cmdCode", "٢٧", ":5: data.0.cmdCode: expected TOTAL or an HS code, got '٢٧'"),
        ("cmdCode", "²⁷", ":5: data.0.cmdCode: expected TOTAL or an HS code, got '²⁷'"),
    ],
    ids=["400-digit-value", "superscript-year", "arabic-indic-code", "superscript-code"],
)
def test_a_row_that_python_reads_but_comtrade_never_writes_is_one_line(
    tmp_path, command, field, value, message
):
    line = refused(tmp_path, "a.json", pretty([{**ROW, field: value}]), command)
    assert message in line


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("²", "refYear: expected a year such as 2023, got '²'"),
        ("٢٠٢٣", "refYear: expected a year such as 2023, got '٢٠٢٣'"),
    ],
)
def test_a_csv_year_in_other_digits_is_one_line(tmp_path, cell, message):
    csv = "refYear,reporterCode,partnerCode,flowCode,cmdCode,primaryValue\n"
    csv += f"{cell},31,586,M,TOTAL,1000\n"
    line = refused(tmp_path, "a.csv", csv.encode(), FETCH)
    assert line.startswith(f"{tmp_path / 'a.csv'}:2: {message}")


@pytest.mark.parametrize("command", [FETCH, INIT], ids=["fetch", "init"])
def test_json_nested_100000_deep_is_one_line(tmp_path, command):
    deep = b'{"data": [\n' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    line = refused(tmp_path, "deep.json", deep, command)
    assert (
        line
        == f"{tmp_path / 'deep.json'}:2: nested more than 100 levels deep: not a Comtrade answer\n"
    )


def test_a_nul_byte_is_refused_at_its_line(tmp_path):
    data = envelope([ROW]) + b"\n\n\0"
    line = refused(tmp_path, "nul.json", data, FETCH)
    assert line == f"{tmp_path / 'nul.json'}:3: a NUL byte: not a text file (JSON or CSV)\n"


def test_a_199_mb_file_of_nul_bytes_is_refused_in_bounded_memory(tmp_path):
    big = tmp_path / "zeros.json"
    with big.open("wb") as f:
        f.truncate(199_000_000)  # sparse: 199 MB of NUL bytes, no disk used
    result, seconds, peak = run_measured([*FETCH, str(big)], tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"{big}:1: a NUL byte: not a text file (JSON or CSV)\n"
    assert peak is not None and peak < GIB
    assert peak < 150 * 2**20  # a chunk of 1 MiB read, not the file: main peaked at 1.37 GiB
    print(f"199 MB of NUL: {seconds:.1f} s, peak {peak / 2**20:.0f} MiB")  # for the record (-s)


def test_a_large_csv_is_read_line_by_line(tmp_path):
    """Main copied the whole text into a StringIO (four bytes a character): reading this 60 MB
    CSV of blank cells peaked at 356 MiB there and 128 MiB here (measured in-process once)."""
    header = "refYear,reporterCode,partnerCode,flowCode,cmdCode,primaryValue\n"
    big = tmp_path / "big.csv"
    big.write_text(header + (" " * 199 + "\n") * 300_000 + "2023,31,586,Q,TOTAL,1\n")
    result, seconds, peak = run_measured([*FETCH, str(big)], tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"{big}:300002: flowCode: only M (imports) and X")
    assert peak is not None and peak < 300 * 2**20
    print(f"60 MB CSV: {seconds:.1f} s, peak {peak / 2**20:.0f} MiB")
