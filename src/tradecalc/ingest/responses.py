"""Saved UN Comtrade answers in: JSON envelopes of the API and CSV downloads, as :class:`Row`.

A JSON file is the API's envelope ``{"elapsedTime", "count", "data": [...], "error"}`` with the
47 row fields; a CSV file has one row per line, its column names matched case-insensitively
(bulk and portal files spell ``cifValue``, ``refyear``, ...), and its text read as the JSON
value it stands for (``True`` is true, ``4`` is 4). ``primaryValue`` is required: a file
without it is refused, never read from ``cifvalue``/``fobvalue``. Only totals over the second
partner, transport mode and customs procedure are read (``partner2Code`` 0, ``motCode`` 0,
``customsCode`` C00, where the file has those columns): a breakdown row would count trade
twice, so it is refused, as is a flow other than M and X (re-imports, ...) and an ISO column
that contradicts its code: a row that cannot be used is never dropped without a word. Every
problem is one ``FILE:LINE: field: message`` line.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import re
import reprlib
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.core.saferead import Refused, read_capped
from tradecalc.ingest.codes import iso3_of
from tradecalc.ingest.fields import FIELDS
from tradecalc.ingest.refusals import NEITHER, is_csv_header, not_an_envelope

MAX_RESPONSE_BYTES = 200_000_000
"""Largest response file read: a keyed answer of 250,000 rows is about 150 MB of JSON."""

MAX_VALUE_USD = 1e14
"""Largest ``primaryValue`` read (US$): four times the world's goods trade in a year (about
US$ 25 trillion), so a sum of a year's two flows stays under a data file's bound of US$ 1e9 m."""

REQUIRED = ("reporterCode", "partnerCode", "flowCode", "cmdCode", "primaryValue")
"""Fields every row must have (besides its year: ``refYear`` or ``period``)."""

_CANONICAL = {name.lower(): name for name in FIELDS}
_KNOWN = frozenset(FIELDS)


@dataclasses.dataclass(frozen=True)
class Row:
    """One reported value: who reported it, with whom, which year, flow and product."""

    year: int
    reporter: int
    partner: int
    flow: str
    product: str
    value_usd: float
    reporter_iso: str | None = None
    partner_iso: str | None = None
    is_reported: bool | None = None
    is_aggregate: bool | None = None
    file: str = dataclasses.field(default="", compare=False)
    line: int | None = dataclasses.field(default=None, compare=False)
    path: str = dataclasses.field(default="", compare=False)

    @property
    def key(self) -> tuple:
        return (self.reporter, self.partner, self.year, self.flow, self.product)

    def to_dict(self) -> dict:
        """The row as the cache keeps it (no file, no line)."""
        data = dataclasses.asdict(self)
        del data["file"], data["line"], data["path"]
        return data


def read_response_file(path: Path, file: str) -> tuple[list[Row], bytearray]:
    """The rows of a saved JSON or CSV answer, and the file's bytes (for its SHA-256).

    The file is read by :func:`~tradecalc.core.saferead.read_capped`: a regular file, at most
    :data:`MAX_RESPONSE_BYTES`, UTF-8 without NUL checked chunk by chunk.
    """
    try:
        data = read_capped(path, MAX_RESPONSE_BYTES, text=True)
    except Refused as refused:
        _fail(file, refused.line, "", refused.message)
    text = data.decode("utf-8-sig")
    if not text or text.isspace():  # (not strip(): no copy of a large file's text)
        _fail(file, 1, "", "empty file: expected a JSON answer or a CSV download")
    if text.lstrip()[:1] in ("{", "[") or path.suffix.lower() == ".json":
        return envelope_rows(text, file), data
    return csv_rows(text, file), data


def _fail(file: str, line: int | None, path: str, message: str) -> NoReturn:
    raise ScenarioError([Problem(file, line, path, message)])


def envelope_rows(text: str, file: str) -> list[Row]:
    """The rows of the API's JSON envelope; an ``error`` it carries is refused."""
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        _fail(file, error.lineno, "", f"not valid JSON ({error.msg}): truncated or malformed?")
    except ValueError as error:  # a NaN, an integer of more than 4,300 digits
        _fail(file, None, "", str(error))
    except RecursionError:
        _fail(file, *too_deep(text))
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        _fail(file, 1, *not_an_envelope(doc))
    message = envelope_error(doc)
    if message:
        _fail(file, 1, "error", f"the answer is an error: {message}")
    rows, bad = [], []
    for i, item in enumerate(doc["data"]):
        try:
            row = row_from(item, file, None, f"data.{i}.")
        except ScenarioError:
            bad.append(i)
            continue
        rows.append(row)
    if bad:  # find the lines only now: a second parse of a large answer costs seconds
        lines = _item_lines(text, len(doc["data"]))
        problems = []
        for i in bad:
            try:
                row_from(doc["data"][i], file, lines[i], f"data.{i}.")
            except ScenarioError as error:
                problems += error.problems
        raise ScenarioError(problems)
    return rows


MAX_DEPTH = 100
"""Nesting reported as too deep (an envelope nests three levels) when JSON's parser gives up."""

_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def too_deep(text: str) -> tuple[int | None, str, str]:
    """(line, path, message) for JSON too deep to parse: the line where it passes
    :data:`MAX_DEPTH` levels (strings skipped)."""
    depth = 0
    for found in _NESTING.finditer(text):
        mark = found.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, found.start()) + 1
                return line, "", f"nested more than {MAX_DEPTH} levels deep: not a Comtrade answer"
        elif mark in "]}":
            depth -= 1
    return None, "", "nested too deeply to read: not a Comtrade answer"


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def envelope_error(doc: dict) -> str | None:
    """The error an envelope carries (``error``, ``errorObject.errorMessage``), or None."""
    error = doc.get("error")
    if isinstance(error, dict):
        error = error.get("message") or error.get("errorMessage") or json.dumps(error)
    obj = doc.get("errorObject")
    if not error and isinstance(obj, dict):
        error = obj.get("errorMessage")
    return str(error) if error else None


def _item_lines(text: str, count: int) -> list[int | None]:
    """The line where each item of ``data`` starts (None for all if they cannot be found)."""
    decoder = json.JSONDecoder()
    at = text.find('"data"')
    at = text.find("[", at) if at >= 0 else -1
    lines: list[int | None] = []
    if at < 0:
        return [None] * count
    at += 1
    line, seen = 1 + text.count("\n", 0, at), at
    while len(lines) < count:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        try:
            _, end = decoder.raw_decode(text, at)
        except ValueError:
            return [None] * count
        line += text.count("\n", seen, at)
        lines.append(line)
        line += text.count("\n", at, end)
        seen = at = end
    return lines


def csv_rows(text: str, file: str) -> list[Row]:
    """The rows of a CSV download; columns matched case-insensitively, text read as values."""
    reader = csv.reader(m.group() for m in _LINE.finditer(text))
    try:
        header = next(reader)
    except StopIteration:
        _fail(file, 1, "", "empty file: expected a JSON answer or a CSV download")
    except csv.Error as error:
        _fail(file, 1, "", f"not a CSV file: {error}")
    if not is_csv_header(header, FIELDS):
        _fail(file, 1, "", NEITHER)
    names = [_CANONICAL.get(h.strip().lower(), h.strip()) for h in header]
    missing = [f for f in REQUIRED if f not in names]
    if "refYear" not in names and "period" not in names:
        missing.insert(0, "refYear")
    if missing:
        hint = " (primaryValue is required: cifvalue/fobvalue are not read instead)"
        extra = hint if "primaryValue" in missing else ""
        _fail(file, 1, "", f"CSV lacks the column(s) {', '.join(missing)}{extra}")
    rows, problems = [], []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if len(cells) != len(names):
                problems.append(
                    Problem(file, line, "", f"{len(cells)} cells, the header has {len(names)}")
                )
                continue
            item = {n: _csv_value(c) for n, c in zip(names, cells, strict=True)}
            try:
                row = row_from(item, file, line, "")
            except ScenarioError as error:
                problems += error.problems
                continue
            rows.append(row)
    except csv.Error as error:
        problems.append(Problem(file, reader.line_num, "", f"not a CSV file: {error}"))
    if problems:
        raise ScenarioError(problems)
    return rows


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
"""A line with its end (CR LF, CR or LF), as ``newline=""`` reads them: a CSV file is read line
by line from its text, never copied whole into a ``StringIO`` (four bytes a character)."""
_INTEGER = re.compile(r"[-+]?[0-9]+")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _csv_value(text: str):
    """A CSV cell as the JSON value it stands for: ``True`` -> true, ``4`` -> 4, empty -> null.

    Numbers are written in ASCII digits, as JSON writes them: ``²``, ``٢٧``, ``1_000``, ``nan``
    and ``inf`` stay text (and are refused where a number belongs).
    """
    text = text.strip()
    if text == "":
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if len(text) <= 4300 and _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    return text


def row_from(item, file: str, line: int | None, prefix: str) -> Row:
    """A :class:`Row` from one answer item; a row that cannot be used is a ScenarioError."""
    if not isinstance(item, dict):
        _fail(file, line, prefix.rstrip("."), "a row must be an object of fields")
    if not item.keys() <= _KNOWN:  # names spelt otherwise (refyear, cifValue): rename once
        item = {_CANONICAL.get(str(k).lower(), k): v for k, v in item.items()}
    missing = [f for f in REQUIRED if f not in item]
    if "refYear" not in item and "period" not in item:
        missing.insert(0, "refYear")
    if missing:
        hint = " (cifvalue/fobvalue are not read instead)" if "primaryValue" in missing else ""
        _fail(file, line, prefix.rstrip("."), f"missing field(s) {', '.join(missing)}{hint}")
    _total_only(item, file, line, prefix)
    return Row(
        year=_year(item, file, line, prefix),
        reporter=_code(item, "reporterCode", file, line, prefix),
        partner=_code(item, "partnerCode", file, line, prefix),
        flow=_flow(item, file, line, prefix),
        product=_product(item, file, line, prefix),
        value_usd=_value(item, file, line, prefix),
        reporter_iso=_iso_of(item, "reporter", file, line, prefix),
        partner_iso=_iso_of(item, "partner", file, line, prefix),
        is_reported=_flag(item.get("isReported")),
        is_aggregate=_flag(item.get("isAggregate")),
        file=file,
        line=line,
        path=prefix.rstrip("."),
    )


def _total_only(item: dict, file: str, line, prefix: str) -> None:
    """A breakdown by second partner, transport mode or customs procedure would count trade
    twice: such a row is refused, not skipped (the request to send is named)."""
    for field, want in (("partner2Code", 0), ("motCode", 0), ("customsCode", "C00")):
        if item.get(field) not in (None, want, str(want)):
            _fail(
                file,
                line,
                f"{prefix}{field}",
                f"only totals are read ({field} {want}), got {shown(item[field])}: ask with "
                "partner2Code=0&motCode=0&customsCode=C00",
            )


def _flow(item: dict, file: str, line, prefix: str) -> str:
    value = item["flowCode"]
    flow = value.strip() if isinstance(value, str) else value
    if flow not in ("M", "X"):
        _fail(
            file,
            line,
            f"{prefix}flowCode",
            f"only M (imports) and X (exports) make the record, got {shown(value)}: ask with "
            "flowCode=M,X",
        )
    return flow


def _iso_of(item: dict, who: str, file: str, line, prefix: str) -> str | None:
    """The ISO3 column, which must name the economy of the code column where both are known."""
    iso = _iso(item.get(f"{who}ISO"))
    code = item[f"{who}Code"]
    if iso and iso.isalpha() and len(iso) == 3:
        known = iso3_of(code)
        if known is not None and known != iso.upper():
            _fail(
                file,
                line,
                f"{prefix}{who}ISO",
                f"{iso!r} is not {who}Code {code} (that is {known}): the row contradicts itself",
            )
    return iso


def _year(item: dict, file: str, line, prefix: str) -> int:
    freq = item.get("freqCode")
    if freq not in (None, "A"):
        _fail(file, line, f"{prefix}freqCode", f"annual data (A) only, got {shown(freq)}")
    value = item.get("refYear", item.get("period"))
    if isinstance(value, str) and _YEAR.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        _fail(file, line, f"{prefix}refYear", f"expected a year such as 2023, got {shown(value)}")
    return value


def _code(item: dict, field: str, file: str, line, prefix: str) -> int:
    value = item[field]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**6:
        message = f"expected a Comtrade code number, got {shown(value)}"
        _fail(file, line, f"{prefix}{field}", message)
    return value


def _product(item: dict, file: str, line, prefix: str) -> str:
    value = item["cmdCode"]
    text = f"{value:02d}" if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not (text == "TOTAL" or _HS.fullmatch(text)):
        _fail(file, line, f"{prefix}cmdCode", f"expected TOTAL or an HS code, got {shown(value)}")
    return text if text == "TOTAL" or len(text) % 2 == 0 else "0" + text


def _value(item: dict, file: str, line, prefix: str) -> float:
    value = item["primaryValue"]
    where = f"{prefix}primaryValue"
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(file, line, where, f"expected a number of US$, got {shown(value)}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float (a 400-digit primaryValue)
        number = math.inf
    if math.isnan(number) or number < 0 or (number == math.inf and isinstance(value, float)):
        _fail(file, line, where, f"must be a finite value of 0 or more US$, got {shown(value)}")
    if number > MAX_VALUE_USD:
        size = f"{number:.6g}" if math.isfinite(number) else f"a {len(str(value))}-digit number of"
        _fail(
            file,
            line,
            where,
            f"{size} US$ is more than any trade flow (at most {MAX_VALUE_USD:.0e}, "
            "US$ 100 trillion: about four times the world's goods trade in a year)",
        )
    return number


_YEAR = re.compile(r"[0-9]{4}")
_HS = re.compile(r"[0-9]{1,6}")
"""Codes and years are ASCII digits: ``str.isdigit()`` also accepts ``²`` and ``٢٧``."""
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxstring, _SHOWN.maxlong, _SHOWN.maxother = 2, 60, 40, 60


def shown(value) -> str:
    """A value for a message: short whatever its size or depth (``reprlib``)."""
    return _SHOWN.repr(value)


def _iso(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _flag(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def economy_of(code: int, iso: str | None) -> str | None:
    """The ISO3 code of a row's reporter or partner: its ISO column, else from its code."""
    return iso if iso and iso.isalpha() and len(iso) == 3 else iso3_of(code)


def with_lines(rows: list[Row], texts: dict[str, bytearray]) -> list[Row]:
    """The rows, those of a JSON answer given the line where their item starts (found only
    when a problem is to be reported: a second parse of a large answer costs seconds)."""
    wanted: dict[str, int] = {}
    for row in rows:
        if row.line is None and row.file in texts and row.path.startswith("data."):
            wanted[row.file] = max(wanted.get(row.file, 0), int(row.path.split(".")[1]) + 1)
    lines = {
        file: _item_lines(texts[file].decode("utf-8-sig", "replace"), count)
        for file, count in wanted.items()
    }
    return [
        dataclasses.replace(row, line=lines[row.file][int(row.path.split(".")[1])])
        if row.file in lines and row.line is None
        else row
        for row in rows
    ]


def unique(rows: Iterable[Row]) -> list[Row]:
    """Rows with duplicates dropped (the same rows read from two files); a conflict is refused."""
    seen: dict[tuple, Row] = {}
    problems = []
    for row in rows:
        first = seen.setdefault(row.key, row)
        if first is not row and first.value_usd != row.value_usd:
            where = f"{first.file}:{first.line}" if first.line else first.file
            where += f" ({first.path})" if first.path else ""
            path = f"{row.path}.primaryValue" if row.path else "primaryValue"
            message = (
                f"{row.value_usd!r} conflicts with {first.value_usd!r} for the same reporter, "
                f"partner, year, flow and product in {where}"
            )
            problems.append(Problem(row.file, row.line, path, message))
    if problems:
        raise ScenarioError(problems)
    return list(seen.values())
