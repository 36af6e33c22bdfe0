"""The cache of normalised Comtrade answers, in the user's cache folder (``platformdirs``).

One JSON file per request, named by the SHA-256 of the request's query (the same for the keyed
and the keyless endpoint: both serve the final data). An entry holds the request URL (which
never carries a key: the key travels in a header), the retrieval date and the rows as
:class:`~tradecalc.ingest.responses.Row` fields: no headers, no key, no raw body.
A damaged entry is treated as absent.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tradecalc.ingest.responses import Row

VERSION = 1


def folder() -> Path:
    """``<user cache dir>/tradecalc/comtrade`` (``$XDG_CACHE_HOME`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("tradecalc", appauthor=False)) / "comtrade"


def _path(query: str) -> Path:
    return folder() / f"{hashlib.sha256(query.encode('utf-8')).hexdigest()}.json"


def load(query: str) -> tuple[list[Row], str, str] | None:
    """The cached rows of a request, its URL and retrieval date, or None."""
    try:
        entry = json.loads(_path(query).read_text(encoding="utf-8"))
        if entry.get("version") != VERSION or entry.get("query") != query:
            return None
        rows = [Row(**r, file=entry["url"]) for r in entry["rows"]]
        return rows, entry["url"], entry["retrieved"]
    except (OSError, ValueError, TypeError, KeyError):
        return None


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
    try:
        folder().mkdir(parents=True, exist_ok=True)
        write_atomically(_path(query), json.dumps(entry, allow_nan=False) + "\n")
    except (OSError, WriteError):
        pass
