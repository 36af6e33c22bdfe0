"""Text from a scenario or the command line, made safe to show or to hand to a spreadsheet.

Scenario names, keys, paths and ``--set`` labels are the user's (or an attacker's) text. On a
terminal, a newline could forge a ``FILE:LINE`` line, an escape sequence could clear the
screen and a right-to-left override could reorder what is read; in a spreadsheet, a cell
starting with ``=`` runs as a formula. Everything shown goes through :func:`clean` (or
:func:`escape` where nothing may be cut); every CSV text cell through :func:`csv_cell`.
"""

from __future__ import annotations

import unicodedata

LIMIT = 200
"""Characters of one echoed value at most; the rest is cut with an ellipsis."""

_BIDI = {
    "\u061c",  # Arabic letter mark
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    *(chr(c) for c in range(0x202A, 0x202F)),  # embeddings and overrides
    *(chr(c) for c in range(0x2066, 0x206A)),  # isolates
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _unsafe(char: str) -> bool:
    # Cc: C0 and C1 controls and DEL; Zl/Zp: line and paragraph separators; bidi controls
    return char in _BIDI or unicodedata.category(char) in ("Cc", "Zl", "Zp")


def has_unsafe(text: str) -> bool:
    """Whether ``text`` holds a control, line-separator or bidi character (see :func:`escape`).

    >>> has_unsafe("Café"), has_unsafe("a\\nb"), has_unsafe("\\u202eabc")
    (False, True, True)
    """
    return escape(text) != text


def escape(text: str) -> str:
    """``text`` with control characters and bidi controls written as ``\\xNN``/``\\uNNNN``.

    >>> escape("a\\nb\\x1b[2J\\u202ec")
    'a\\\\x0ab\\\\x1b[2J\\\\u202ec'
    """
    if text.isprintable() and not any(c in _BIDI for c in text):
        return text
    return "".join(_escaped(c) if _unsafe(c) else c for c in text)


def clean(text: object, limit: int = LIMIT) -> str:
    """:func:`escape`, cut to ``limit`` characters with an ellipsis: for one line of a message.

    >>> clean("x" * 300, 10)
    'xxxxxxxxx…'
    """
    text = escape(str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def csv_cell(value):
    """A CSV cell: text escaped, and a leading ``= + - @`` (or tab, CR) neutralised with ``'``.

    Numbers stay numbers. This is the OWASP "CSV injection" rule: a spreadsheet then shows
    the text instead of running it as a formula.

    >>> csv_cell("=1+1"), csv_cell(-2.5), csv_cell("Base")
    ("'=1+1", -2.5, 'Base')
    """
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return escape(value)


def nfc(text: str) -> str:
    """Unicode NFC form: "Café" typed with one code point or two compares equal."""
    return unicodedata.normalize("NFC", text)
