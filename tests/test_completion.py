"""Shell completion (typer's): `--help` says which files `--install-completion` edits, and they
are the files it does edit, shell by shell, in a home folder of the test's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradecalc.cli.commands import app

COMMAND = Path(sys.executable).parent / "tradecalc"

# the files each shell's installer touches, as the help names them
EDITS = {
    "bash": [".bashrc", ".bash_completions/tradecalc.sh"],
    "zsh": [".zshrc", ".zfunc/_tradecalc"],
    "fish": [".config/fish/completions/tradecalc.fish"],
}


def test_the_help_says_what_install_completion_edits():
    out = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout
    text = " ".join(out.split())
    assert "Install completion for the current shell." not in text  # typer's, says nothing
    for files in EDITS.values():
        for name in files:
            assert f"~/{name}" in text


@pytest.mark.parametrize("shell", sorted(EDITS))
def test_install_completion_edits_exactly_the_files_the_help_names(tmp_path, shell):
    if not COMMAND.exists():
        pytest.skip("no tradecalc console script beside this Python")
    (tmp_path / ".bashrc").write_text("# the user's own line\n", encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    done = subprocess.run(
        [str(COMMAND), "--install-completion", shell], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    touched = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    expected = sorted({*EDITS[shell], ".bashrc"})  # .bashrc: the user's own file, kept
    assert touched == expected
    rc = (tmp_path / ".bashrc").read_text(encoding="utf-8")
    assert rc.startswith("# the user's own line\n")  # appended to, never replaced
    assert ("source" in rc) is (shell == "bash")
