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
import io
import json
import math
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.ingest.codes import iso3_of

MAX_RESPONSE_BYTES = 200_000_000
"""Largest response file read: a keyed answer of 250,000 rows is about 150 MB of JSON."""

MAX_VALUE_USD = 1e14
"""Largest ``primaryValue`` read (US$): four times the world's goods trade in a year (about
US$ 25 trillion), so a sum of a year's two flows stays under a data file's bound of US$ 1e9 m."""

REQUIRED = ("reporterCode", "partnerCode", "flowCode", "cmdCode", "primaryValue")
"""Fields every row must have (besides its year: ``refYear`` or ``period``)."""

FIELDS = [
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "reporterISO",
    "reporterDesc",
    "flowCode",
    "flowDesc",
    "partnerCode",
    "partnerISO",
    "partnerDesc",
    "partner2Code",
    "partner2ISO",
    "partner2Desc",
    "classificationCode",
    "classificationSearchCode",
    "isOriginalClassification",
    "cmdCode",
    "cmdDesc",
    "aggrLevel",
    "isLeaf",
    "customsCode",
    "customsDesc",
    "mosCode",
    "motCode",
    "motDesc",
    "qtyUnitCode",
    "qtyUnitAbbr",
    "qty",
    "isQtyEstimated",
    "altQtyUnitCode",
    "altQtyUnitAbbr",
    "altQty",
    "isAltQtyEstimated",
    "netWgt",
    "isNetWgtEstimated",
    "grossWgt",
    "isGrossWgtEstimated",
    "cifvalue",
    "fobvalue",
    "primaryValue",
    "legacyEstimationFlag",
    "isReported",
    "isAggregate",
]
"""The API's 47 row fields, in the order of a recorded answer."""

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


def read_response_file(path: Path, file: str) -> tuple[list[Row], bytes]:
    """The rows of a saved JSON or CSV answer, and the file's bytes (for its SHA-256)."""
    data = _read_bytes(path, file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        _fail(file, line, "", f"not UTF-8 text (byte 0x{data[error.start]:02x})")
    if not text.strip():
        _fail(file, 1, "", "empty file: expected a JSON answer or a CSV download")
    if text.lstrip()[:1] in ("{", "[") or path.suffix.lower() == ".json":
        return envelope_rows(text, file), data
    return csv_rows(text, file), data


def _read_bytes(path: Path, file: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOCTTY | os.O_NONBLOCK)
    except FileNotFoundError:
        _fail(file, None, "", "cannot read file: no such file")
    except (OSError, ValueError) as error:
        _fail(file, None, "", f"cannot read file: {getattr(error, 'strerror', None) or error}")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # checked before fdopen, which refuses a directory
        os.close(fd)
        reason = "is a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        _fail(file, None, "", f"cannot read file: {reason}")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > MAX_RESPONSE_BYTES:
            _fail(file, None, "", f"larger than {MAX_RESPONSE_BYTES:,} bytes")
        try:
            return handle.read(MAX_RESPONSE_BYTES + 1)
        except OSError as error:
            _fail(file, None, "", f"cannot read file: {error.strerror or error}")


def _fail(file: str, line: int | None, path: str, message: str) -> NoReturn:
    raise ScenarioError([Problem(file, line, path, message)])


def envelope_rows(text: str, file: str) -> list[Row]:
    """The rows of the API's JSON envelope; an ``error`` it carries is refused."""
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        _fail(file, error.lineno, "", f"not valid JSON ({error.msg}): truncated or malformed?")
    except ValueError as error:
        _fail(file, None, "", str(error))
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        _fail(file, 1, "", 'expected the API\'s envelope {"count": ..., "data": [...]}')
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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        _fail(file, 1, "", "empty file: expected a JSON answer or a CSV download")
    except csv.Error as error:
        _fail(file, 1, "", f"not a CSV file: {error}")
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


def _csv_value(text: str):
    """A CSV cell as the JSON value it stands for: ``True`` -> true, ``4`` -> 4, empty -> null."""
    text = text.strip()
    if text == "":
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
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
                f"only totals are read ({field} {want}), got {item[field]!r}: ask with "
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
            f"only M (imports) and X (exports) make the record, got {value!r}: ask with "
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
        _fail(file, line, f"{prefix}freqCode", f"annual data (A) only, got {freq!r}")
    value = item.get("refYear", item.get("period"))
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        _fail(file, line, f"{prefix}refYear", f"expected a year such as 2023, got {value!r}")
    return value


def _code(item: dict, field: str, file: str, line, prefix: str) -> int:
    value = item[field]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(file, line, f"{prefix}{field}", f"expected a Comtrade code number, got {value!r}")
    return value


def _product(item: dict, file: str, line, prefix: str) -> str:
    value = item["cmdCode"]
    text = f"{value:02d}" if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not (text == "TOTAL" or (text.isdigit() and len(text) <= 6)):
        _fail(file, line, f"{prefix}cmdCode", f"expected TOTAL or an HS code, got {value!r}")
    return text if text == "TOTAL" or len(text) % 2 == 0 else "0" + text


def _value(item: dict, file: str, line, prefix: str) -> float:
    value = item["primaryValue"]
    where = f"{prefix}primaryValue"
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(file, line, where, f"expected a number of US$, got {value!r}")
    if not math.isfinite(value) or value < 0:
        _fail(file, line, where, f"must be a finite value of 0 or more US$, got {value!r}")
    if value > MAX_VALUE_USD:
        _fail(
            file,
            line,
            where,
            f"{value:.6g} US$ is more than any trade flow (at most {MAX_VALUE_USD:.0e}, "
            "US$ 100 trillion: about four times the world's goods trade in a year)",
        )
    return float(value)


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


def with_lines(rows: list[Row], texts: dict[str, bytes]) -> list[Row]:
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
