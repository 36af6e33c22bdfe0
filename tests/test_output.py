"""--output and --plot: one safe writer for every command; a file refused, a full disk, a kill or a
closed pipe never loses or half-writes a file (issue 7; issue 20, item 4)."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import ROOT, TOY
from tests.helpers import WRITERS, assert_refused, invoke
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.core import safeio

runner = CliRunner()


BASE = str(ROOT / "scenarios" / "base.yaml")


TRADECALC = [sys.executable, "-m", "tradecalc"]


def test_output_refuses_special_and_protected_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text(TOY)
    os.mkfifo("fifo")
    Path("readonly.json").write_text("keep\n")
    os.chmod("readonly.json", 0o444)
    Path("linked.json").write_text("keep\n")
    os.link("linked.json", "other-name.json")
    import socket

    server = socket.socket(socket.AF_UNIX)
    server.bind("sock")
    cases = {
        "fifo": "is a FIFO (named pipe): --output and --plot write regular files only",
        "sock": "is a socket: --output and --plot write regular files only",
        "readonly.json": "is read-only: not replaced",
        "linked.json": "has 2 hard links: replacing it would break them",
        ".": "is a directory: --output and --plot write regular files only",
    }
    try:
        for name, message in cases.items():
            result = runner.invoke(app, ["project", "s.yaml", "-f", "json", "-o", name])
            assert result.exit_code == 2 and result.stdout == ""
            assert result.stderr == f"--output {name}: {message}\n"
    finally:
        server.close()
    assert Path("readonly.json").read_text() == "keep\n"
    assert os.stat("linked.json").st_ino == os.stat("other-name.json").st_ino
    assert sorted(os.listdir()) == sorted(
        ["s.yaml", "fifo", "sock", "readonly.json", "linked.json", "other-name.json"]
    )


def test_plot_into_a_missing_folder_fails_before_printing(tmp_path):
    result = runner.invoke(app, ["project", BASE, "--plot", str(tmp_path / "no" / "c.png")])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"--plot {tmp_path / 'no' / 'c.png'}: no such folder")


def test_output_keeps_the_owner(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old\n")
    if os.geteuid() == 0:  # root replacing another user's file gives it back to that user
        os.chown(target, 12345, 23456)
    before = target.stat()
    assert runner.invoke(app, ["project", BASE, "-f", "json", "-o", str(target)]).exit_code == 0
    after = target.stat()
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert json.loads(target.read_text())["scenario"]["name"] == "Base case"


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_full_disk_is_one_line_and_keeps_the_old_file(tmp_path, monkeypatch, failing):
    target = tmp_path / "out.json"
    target.write_text("old\n")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safeio.os, failing, full)
    result = runner.invoke(app, ["project", BASE, "-f", "json", "-o", str(target)])
    monkeypatch.undo()
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"--output {target}: cannot write: No space left on device\n"
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.json"]


@pytest.mark.slow
def test_killing_output_never_leaves_a_partial_file(tmp_path):
    """Kill `project --output F` at random moments: F is the old or the whole new file."""
    target = tmp_path / "out.json"
    expected = runner.invoke(app, ["project", BASE, "-f", "json"]).stdout
    rng = np.random.default_rng(7)
    for run, sig in enumerate([signal.SIGTERM, signal.SIGINT, signal.SIGKILL] * 3):
        target.write_text("old\n")
        child = subprocess.Popen(
            [*TRADECALC, "project", BASE, "-f", "json", "-o", str(target)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(float(rng.uniform(0.0, 1.2)))  # start-up takes about 0.5 to 1 s
        child.send_signal(sig)
        child.wait(timeout=60)
        content = target.read_text()
        assert content in ("old\n", expected), run
        leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "out.json")
        if sig != signal.SIGKILL:  # SIGKILL cannot be caught: see safeio's docstring
            assert leftovers == [], (run, sig)
        for name in leftovers:
            (tmp_path / name).unlink()


def test_closed_pipe_ends_quietly_with_141():
    child = subprocess.Popen(
        [*TRADECALC, "project", BASE, "-f", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child.stdout.close()  # the reader leaves before the first byte, like `| head -0`
    err = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=60) == 141
    assert err == b""


def test_output_files_and_stat_are_untouched_when_refused(tmp_path):
    target = tmp_path / "ro.json"
    target.write_text("old\n")
    target.chmod(0o400)
    result = runner.invoke(app, ["project", BASE, "-o", str(target)])
    assert result.exit_code == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o400 and target.read_text() == "old\n"


# Odd and hostile input found in review: one clear line and exit 2, never a traceback.


def test_output_keeps_permissions_and_follows_links(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert runner.invoke(app, ["project", BASE, "-f", "json", "-o", str(link)]).exit_code == 0
    assert link.is_symlink()
    assert json.loads(target.read_text())["scenario"]["name"] == "Base case"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "new.json"
    umask = os.umask(0o022)
    try:
        assert runner.invoke(app, ["project", BASE, "-f", "json", "-o", str(fresh)]).exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


# Hardening, round 3 (issue 20, items 1-7 and 10): the newer commands meet the error contract.
# One test (or a few) per numbered item of the issue, named ``test_item_NN_...``. The contract:
# bad input is one ``FILE:LINE: path: message`` (or ``OPTION: message``) line per problem on
# stderr, exit 2, nothing on stdout, no traceback, no file replaced, no raw control character.


PLOTTERS = ["project", "compare", "simulate", "sensitivity", "backtest", "headroom"]


def test_every_command_with_output_is_listed():
    """WRITERS names every command that has --output, so a new one cannot skip this test."""
    import typer.main

    group = typer.main.get_command(app)
    with_output = {
        name
        for name, command in group.commands.items()
        if any("--output" in p.opts for p in command.params)
    }
    assert with_output <= set(WRITERS), with_output - set(WRITERS)


def _special_files(tmp_path: Path) -> dict[str, str]:
    """A read-only file, a file with a second hard link, a FIFO and a device node."""
    Path(tmp_path, "readonly.html").write_text("keep\n")
    os.chmod(tmp_path / "readonly.html", 0o444)
    Path(tmp_path, "linked.html").write_text("keep\n")
    os.link(tmp_path / "linked.html", tmp_path / "other.html")
    os.mkfifo(tmp_path / "fifo.html")
    return {
        "readonly.html": "is read-only: not replaced",
        "linked.html": "has 2 hard links: replacing it would break them",
        "fifo.html": "is a FIFO (named pipe): --output and --plot write regular files only",
        os.devnull: "is a device: --output and --plot write regular files only",
    }


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_output_refuses_what_project_refuses(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    for name, reason in _special_files(tmp_path).items():
        result = invoke(*WRITERS[command], "-o", name)
        assert_refused(result, f"--output {name}: {reason}")
    assert Path("readonly.html").read_text() == "keep\n"
    assert os.stat("linked.html").st_ino == os.stat("other.html").st_ino
    assert stat.S_ISFIFO(os.stat("fifo.html").st_mode)


@pytest.mark.parametrize("command", PLOTTERS)
def test_plot_refuses_what_output_refuses(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    Path("ro.png").write_text("keep\n")
    os.chmod("ro.png", 0o444)
    result = invoke(*WRITERS[command], "--plot", "ro.png")
    assert_refused(result, "--plot ro.png: is read-only: not replaced")
    assert Path("ro.png").read_text() == "keep\n"
