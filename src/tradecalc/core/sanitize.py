"""Text from a scenario or the command line, made safe to show or to hand to a spreadsheet.

Scenario names, keys, paths and ``--set`` labels are the user's (or an attacker's) text. On a
terminal, a newline could forge a ``FILE:LINE`` line, an escape sequence could clear the
screen and a right-to-left override could reorder what is read; in a spreadsheet, a cell
starting with ``=`` runs as a formula. Everything shown goes through :func:`clean` (or
:func:`escape` where nothing may be cut); every CSV text cell through :func:`csv_cell`.
"""

from __future__ import annotations

import re
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


def escape(text: str, keep: str = "") -> str:
    """``text`` with control characters and bidi controls written as ``\\xNN``/``\\uNNNN``;
    those in ``keep`` (e.g. ``"\\n\\t"`` in a spreadsheet cell) stay as they are.

    >>> escape("a\\nb\\x1b[2J\\u202ec")
    'a\\\\x0ab\\\\x1b[2J\\\\u202ec'
    """
    if text.isprintable() and not any(c in _BIDI for c in text):
        return text
    return "".join(_escaped(c) if _unsafe(c) and c not in keep else c for c in text)


def clean(text: object, limit: int = LIMIT) -> str:
    """:func:`escape`, cut to ``limit`` characters with an ellipsis: for one line of a message.

    >>> clean("x" * 300, 10)
    'xxxxxxxxx…'
    """
    text = escape(str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029" + "".join(sorted(_BIDI)) + "]")


def json_text(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with DEL, C1 controls, line and
    paragraph separators and bidi controls written as ``\\uXXXX``, as JSON itself writes C0
    controls: the same strings for any JSON reader, none of them raw on a terminal.

    >>> json_text('{"note": "a\u202eb"}')
    '{"note": "a\\\\u202eb"}'
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_YAML_RAW = re.compile("[" + "".join(sorted(_BIDI)) + "]")


def yaml_text(data, **options) -> str:
    """``yaml.safe_dump(data, **options)`` with no raw control or bidi character: a string
    holding one is written double-quoted, where PyYAML escapes control characters (``\\x1b``,
    ``\\L``) and the bidi controls it would leave raw are written ``\\u202e``."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value: str):
        style = '"' if has_unsafe(value) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    out = yaml.dump(data, Dumper=Dumper, **options)
    return _YAML_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def csv_cell(value):
    """A CSV cell: text escaped, and a leading ``= + - @`` (or tab, CR) neutralised with ``'``.

    Numbers stay numbers. This is the OWASP "CSV injection" rule: a spreadsheet then shows
    the text instead of running it as a formula.

    >>> csv_cell("=1+1"), csv_cell(-2.5), csv_cell("Base")
    ("'=1+1", -2.5, 'Base')
    """
    if value is None or isinstance(value, int | float):
        return value
    value = str(value)  # anything else is written as its text: escaped like text
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return escape(value)


def nfc(text: str) -> str:
    """Unicode NFC form: "Café" typed with one code point or two compares equal."""
    return unicodedata.normalize("NFC", text)


_ASCII = {
    **dict.fromkeys("\u2192\u27f6", "->"),
    **dict.fromkeys("\u2190", "<-"),
    **dict.fromkeys("\u2013\u2010\u2011\u2212\u2500\u2504\u2508", "-"),
    **dict.fromkeys("\u2014", "--"),
    **dict.fromkeys("\u2018\u2019\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u2033", '"'),
    **dict.fromkeys(
        "\u2502\u250a\u2506\u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2524\u251c\u2514\u2518\u250c\u2510\u253c",
        "|",
    ),
    **dict.fromkeys(
        "\u2588\u2587\u2586\u2585\u2584\u2583\u2582\u2581\u25a0\u25cf\u25c6\u25b2\u271a", "#"
    ),
    **dict.fromkeys("\u2591\u25a1\u25cb\u25c7\u25b3\u00b7\u2022", "."),
    "\u2026": "...",
    "\u00d7": "x",
    "\u2265": ">=",
    "\u2264": "<=",
    "\u2248": "~",
    "\u00b1": "+/-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u20ac": "EUR",
    "\u00a3": "GBP",
}
"""ASCII stand-ins for the symbols tradecalc prints, for a stream that cannot encode them."""


def ascii_text(text: str) -> str:
    """``text`` in ASCII: symbols by their stand-ins, accented letters without the accent,
    anything else as ``?``.

    >>> ascii_text("PAK→AZE: Türkiye … 1.4 %")
    'PAK->AZE: Turkiye ... 1.4 %'
    """
    if text.isascii():
        return text
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
        elif char in _ASCII:
            out.append(_ASCII[char])
        else:
            bare = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(bare or "?")
    return "".join(out)


def ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler (``codecs.register_error``): :func:`ascii_text` of what the
    stream's encoding cannot hold, so `LANG=C` shows ``->`` where UTF-8 shows ``→``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return ascii_text(error.object[error.start : error.end]), error.end
