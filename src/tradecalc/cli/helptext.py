"""Help whose examples paste as written: an example is never rewrapped inside a word.

click rewraps every paragraph of a help text to the terminal's width, so at 80 columns
``-o pak-uzb.yaml`` became ``-o pak-`` and ``uzb.yaml`` on two lines. Every example paragraph
(the indented lines after ``Example:``) is therefore marked raw (click's ``\\b``), and a command
longer than :data:`EXAMPLE_WIDTH` is split at a space with a shell continuation (`` \\``), so it
fits 80 columns and still runs when pasted; a trailing ``# comment`` goes on the line above.
"""

from __future__ import annotations

import inspect

HELP_WIDTH = 80
"""The narrowest terminal the help is laid out for."""
EXAMPLE_WIDTH = HELP_WIDTH - 2
"""The longest example line with its docstring indent of 4 (click indents the help by 2)."""


def pasteable(help_text: str | None) -> str | None:
    """``help_text`` (a docstring) with each example paragraph raw and fitted.

    >>> text = pasteable("Do it.\\n\\nExample:\\n\\n    tradecalc " + "x " * 40 + "-o a.yaml")
    >>> text.splitlines()[4] == "\\b", [len(line) for line in text.splitlines()[5:]]
    (True, [77, 35])
    """
    if not help_text:
        return help_text
    lines = inspect.cleandoc(help_text).splitlines()
    out: list[str] = []
    example = False
    for i, line in enumerate(lines):
        if line.strip().lower().rstrip(":") in ("example", "examples"):
            example = True
        elif example and line.startswith("    ") and line.strip():
            if not lines[i - 1].strip():
                out.append("\b")
            out += fitted(line.strip())
            continue
        elif line.strip() and not line.startswith(" "):
            example = False
        out.append(line)
    return "\n".join(out)


def fitted(command: str, width: int = EXAMPLE_WIDTH) -> list[str]:
    """One example command as lines of at most ``width`` characters (with their indent of 4),
    split at spaces with `` \\`` continuations; a trailing comment on a line of its own above.

    >>> for line in fitted("tradecalc solve s.yaml --param deals.5.value_usd_m  # pharma", 40):
    ...     print(line)
        # pharma
        tradecalc solve s.yaml \\
            --param deals.5.value_usd_m
    """
    if len(command) + 4 <= width:
        return [f"    {command}"]
    code, hash_, comment = command.partition("  # ")
    lines = []
    if hash_:
        lines.append(f"    # {comment.strip()}")
        command = code.rstrip()
        if len(command) + 4 <= width:
            return [*lines, f"    {command}"]
    indent, current = "    ", ""
    for chunk in _chunks(command):
        if current and len(indent) + len(current) + 1 + len(chunk) + 2 > width:
            lines.append(f"{indent}{current} \\")
            indent, current = "        ", chunk
        else:
            current = f"{current} {chunk}" if current else chunk
    lines.append(f"{indent}{current}")
    return lines


def _chunks(command: str) -> list[str]:
    """The command's words, an option kept with its values (``--param deals.5.value_usd_m``)."""
    chunks: list[str] = []
    for word in command.split():
        if chunks and not word.startswith("-") and chunks[-1].startswith("-"):
            chunks[-1] += f" {word}"
        else:
            chunks.append(word)
    return chunks


def fit_examples(app) -> None:
    """Every command's and group's help in a typer app (and its sub-apps), made
    :func:`pasteable`: run once, where the commands are registered."""
    app.info.help = pasteable(app.info.help)
    for info in app.registered_commands:
        info.help = pasteable(info.help or inspect.getdoc(info.callback))
    for group in app.registered_groups:
        fit_examples(group.typer_instance)
