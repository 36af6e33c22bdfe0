"""Reading YAML: every failure of the reader is one ``FILE:LINE: message`` line, exit 2, even
where libyaml and PyYAML's own reader disagree about what comes first."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tradecalc.cli.commands import app

runner = CliRunner()


@pytest.mark.parametrize("gap", [10, 16_500, 100_000])
@pytest.mark.parametrize("command", ["validate", "project"])
def test_a_syntax_error_then_a_control_character_later_is_one_line(write, gap, command):
    """libyaml stops at the syntax error and PyYAML's reader, asked for the same message,
    refuses the control character in its constructor: main gave ReaderError's traceback when
    the two were 16 KB apart (libyaml reads 16 KB at a time)."""
    write("name: [unclosed\nnote: " + "a" * gap + "\nother: \x07\n")
    result = runner.invoke(app, [command, "s.yaml"])
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "s.yaml:3: the character U+0007 (BEL, a control character) at column 8 is not allowed "
        'in YAML: remove it, or write it as \\x07 inside double quotes ("...")\n'
    )
