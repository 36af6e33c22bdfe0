"""Hostile input (issue 7): never crash, never hang, never lose a file, never print unsafe text.

The corpus under tests/bad_inputs/ holds one hostile input per file, each with a first line
``# expect: what it is`` and optionally ``# run: ARGS`` (default ``project FILE``); files
under tests/bad_inputs/parts/ are what they extend. Every one must exit 2 with nothing on
stdout and only well-formed lines on stderr, fast.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import TOY
from tests.helpers import UNSAFE
from typer.testing import CliRunner

from tradecalc.cli.commands import app

runner = CliRunner()
BAD = Path(__file__).parent / "bad_inputs"
TRADECALC = [sys.executable, "-m", "tradecalc"]

FIELD_LINE = re.compile(r"^[^\n]+:\d+: \S+: .+$")  # FILE:LINE: field.path: message
OPTION_LINE = re.compile(r"^--?[a-z-]+.*: .+$")  # OPTION: message
DOCUMENT_LINE = re.compile(  # FILE:LINE: message, for a problem with the whole document
    r"^[^\n]+:\d+: (YAML syntax error|empty file|expected a mapping|not UTF-8|a key must be text)"
)


def corpus() -> list[Path]:
    return sorted(BAD.glob("*.yaml"))


def header(path: Path) -> dict[str, str]:
    """The ``# expect:`` and ``# run:`` lines at the top of a corpus file."""
    found = {}
    for line in path.read_bytes().split(b"\n")[:2]:
        text = line.decode("utf-8", "replace")
        for key in ("expect", "run"):
            if text.startswith(f"# {key}: "):
                found[key] = text[len(f"# {key}: ") :]
    return found


def assert_clean_failure(result, seconds: float) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines
    for line in lines:
        assert FIELD_LINE.match(line) or OPTION_LINE.match(line) or DOCUMENT_LINE.match(line), line
        assert not UNSAFE.search(line), line
        assert len(line) < 1_000
    assert seconds < 5, seconds


def test_corpus_is_large_and_described():
    files = corpus()
    assert len(files) >= 60
    for path in files:
        assert header(path).get("expect"), path.name


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.stem)
def test_bad_input_is_one_clean_line_per_problem(path, monkeypatch):
    monkeypatch.chdir(BAD)
    run = header(path).get("run")
    args = shlex.split(run) if run else ["project", path.name]
    start = time.perf_counter()
    result = runner.invoke(app, args)
    assert_clean_failure(result, time.perf_counter() - start)
    assert sorted(p.name for p in BAD.iterdir() if not p.name.endswith(".yaml")) == ["parts"]


def test_line_numbers_print_as_numbers_not_emoji(monkeypatch):
    monkeypatch.chdir(BAD)
    for name, line in (("line-100-emoji.yaml", 100), ("line-1234-emoji.yaml", 1234)):
        stderr = runner.invoke(app, ["project", name]).stderr
        assert stderr.startswith(f"{name}:{line}: horizn: unknown key")


# --- hangs: extends reads regular files only ---------------------------------------------------


def test_extends_to_a_fifo_or_stdin_does_not_wait(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "a.yaml").write_text("extends: pipe.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: /dev/stdin\n")
    for name, reason in (("a.yaml", "a FIFO"), ("b.yaml", "")):
        # stdin is a pipe kept open: reading it would block until the timeout
        with subprocess.Popen(
            [*TRADECALC, "validate", name],
            cwd=tmp_path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as child:
            out, err = child.communicate(timeout=30)
            assert child.returncode == 2 and out == ""
            assert err.startswith(f"{name}:1: extends: cannot read ")
            assert "not a regular file" in err and reason in err


def test_extends_symlink_loop_long_chain_and_nul(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.symlink("loop-b.yaml", "loop-a.yaml")
    os.symlink("loop-a.yaml", "loop-b.yaml")
    Path("s.yaml").write_text("extends: loop-a.yaml\n")
    result = runner.invoke(app, ["validate", "s.yaml"])
    assert result.exit_code == 2
    assert result.stderr == (
        "s.yaml:1: extends: cannot read loop-a.yaml: "
        "too many levels of symbolic links (a symlink loop?)\n"
    )
    # a cycle through a symbolic link is a cycle: same device and inode
    Path("real.yaml").write_text("extends: alias.yaml\n")
    os.symlink("real.yaml", "alias.yaml")
    assert "extends: cycle: " in runner.invoke(app, ["validate", "real.yaml"]).stderr
    for i in range(1000):  # chain-0 extends chain-1 ... extends chain-999
        Path(f"chain-{i}.yaml").write_text(f"extends: chain-{i + 1}.yaml\nname: c{i}\n")
    Path("chain-1000.yaml").write_text(TOY)
    start = time.perf_counter()
    result = runner.invoke(app, ["validate", "chain-0.yaml"])
    assert result.exit_code == 2 and time.perf_counter() - start < 5
    assert result.stderr == "chain-31.yaml:1: extends: more than 32 files deep\n"


# --- files lost or replaced --------------------------------------------------------------------


# --- usage errors ------------------------------------------------------------------------------


# --- overflow everywhere -----------------------------------------------------------------------


# --- memory budget -----------------------------------------------------------------------------


# --- output that is safe to open -------------------------------------------------------------


# --- library: a validated way to change a scenario -------------------------------------------
