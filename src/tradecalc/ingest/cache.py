"""The cache of normalised Comtrade answers, in the user's cache folder (``platformdirs``).

One JSON file per request, named by the SHA-256 of the request's query (the same for the keyed
and the keyless endpoint: both serve the final data). An entry holds the request URL (which
never carries a key: the key travels in a header), the retrieval date and the rows as
:class:`~tradecalc.ingest.responses.Row` fields: no headers, no key, no raw body.
A damaged entry, or anything but a regular file, is treated as absent (:func:`lookup`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import TypeGuard

from tradecalc.core.errors import ScenarioError
from tradecalc.core.saferead import Refused, read_capped
from tradecalc.ingest.responses import MAX_RESPONSE_BYTES, Row, row_from

VERSION = 1
MAX_ENTRY_BYTES = MAX_RESPONSE_BYTES
"""Largest entry read: an entry holds fewer bytes than the answer it keeps."""


def folder() -> Path:
    """``<user cache dir>/tradecalc/comtrade`` (``$XDG_CACHE_HOME`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("tradecalc", appauthor=False)) / "comtrade"


def _path(query: str) -> Path:
    return folder() / f"{hashlib.sha256(query.encode('utf-8')).hexdigest()}.json"


def lookup(query: str, urls: tuple[str, ...]) -> tuple[list[Row], str, str] | None:
    """The cached rows of a request, its URL and retrieval date, or None: a miss.

    Read as carefully as a saved answer (:func:`~tradecalc.core.saferead.read_capped`): a FIFO,
    a link to ``/dev/zero`` or an entry over the cap is a miss, never a wait or a crash. The
    entry must be what :func:`store` writes: the URL one of ``urls`` (the request's, keyed or
    keyless), the date an ISO date, every row valid as a downloaded row
    (:func:`~tradecalc.ingest.responses.row_from`) and written exactly as :func:`store` writes
    it; anything else (a string value, NaN, 1e308, a negative value, a numeric product code, a
    list as a flow, text with control characters) makes the whole entry a miss.
    """
    try:
        data = read_capped(_path(query), MAX_ENTRY_BYTES, text=True)
        entry = json.loads(data, parse_constant=_no_constant)
    except (Refused, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or entry.get("version") != VERSION:
        return None
    url, retrieved, stored = entry.get("url"), entry.get("retrieved"), entry.get("rows")
    if entry.get("query") != query or not isinstance(url, str) or url not in urls:
        return None
    if not _is_date(retrieved) or not isinstance(stored, list):
        return None
    rows = []
    for item in stored:
        row = _row(item, url)
        if row is None:
            return None
        rows.append(row)
    return rows, url, retrieved


def _no_constant(name: str):
    raise ValueError(name)


def _is_date(text: object) -> TypeGuard[str]:
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


_STORED = {f.name for f in dataclasses.fields(Row)} - {"file", "line", "path"}


def _row(stored, url: str) -> Row | None:
    """The row of a cache entry, checked as a downloaded one, or None."""
    if not isinstance(stored, dict) or stored.keys() != _STORED:
        return None
    item = {
        "refYear": stored["year"],
        "reporterCode": stored["reporter"],
        "partnerCode": stored["partner"],
        "flowCode": stored["flow"],
        "cmdCode": stored["product"],
        "primaryValue": stored["value_usd"],
        "reporterISO": stored["reporter_iso"],
        "partnerISO": stored["partner_iso"],
        "isReported": stored["is_reported"],
        "isAggregate": stored["is_aggregate"],
    }
    try:
        row = row_from(item, url, None, "")
    except ScenarioError:
        return None
    return row if row.to_dict() == stored else None


def store(query: str, url: str, retrieved: str, rows: list[Row]) -> None:
    """Keep an answer; a cache that cannot be written is skipped (the fetch still succeeds)."""
    from tradecalc.core.safeio import WriteError, write_atomically

    entry = {
        "version": VERSION,
        "query": query,
        "url": url,
        "retrieved": retrieved,
        "rows": [r.to_dict() for r in rows],
    }
    path = _path(query)
    try:
        folder().mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or (path.exists() and not path.is_file()):
            path.unlink()  # a link or FIFO left there: never written through
        write_atomically(path, json.dumps(entry, allow_nan=False) + "\n")
    except (OSError, WriteError):
        pass
