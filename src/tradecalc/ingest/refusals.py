"""Why a saved file gives no rows, in words with a way forward.

A file that is not the API's envelope is named for what it is: Comtrade's own error (its status
and message echoed, never a key), an answer of the retired API (``dataset``/``validation``, with
what to download instead), or neither the API's JSON nor a CSV with a header row. A file with no
rows, and ``--years`` outside the files' years, say so; a problem repeated on many rows is shown
a few times and then counted (:func:`fold`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tradecalc.core.errors import Problem
from tradecalc.core.sanitize import clean

SHOWN_ALIKE = 5
"""Problems of one kind (same file, field and message) shown before the rest are counted."""

_KEY = re.compile(r"(?i)(subscription-key=)[^&\s\"']+|\b[0-9a-f]{32}\b")
"""A Comtrade key (32 hex digits), or any value after ``subscription-key=``."""

_WAY = {
    401: "check COMTRADE_API_KEY, a free key from comtradedeveloper.un.org, then fetch again",
    403: "the key's quota or the keyless preview is refused: wait, or set COMTRADE_API_KEY",
    429: "too many calls: wait the seconds it names, then fetch again",
}

RETIRED = (
    "an answer of the retired Comtrade API (comtrade.un.org/api/get, with `dataset` and "
    "`validation`), whose rows are not read: download the same call from the current API "
    "(tradecalc fetch without --from-file) or as a CSV from comtradeplus.un.org"
)

NEITHER = (
    "neither the API's JSON nor a CSV with a header row: save the answer of "
    "comtradeapi.un.org as JSON, or download a CSV from comtradeplus.un.org"
)


def without_key(text: str) -> str:
    """``text`` with anything that looks like an API key replaced by ``[key]``.

    >>> without_key("https://x/get?subscription-key=abc123&period=2023")
    'https://x/get?subscription-key=[key]&period=2023'
    """
    return _KEY.sub(lambda m: (m.group(1) or "") + "[key]", text)


def not_an_envelope(doc: object) -> tuple[str, str]:
    """(field path, message) for a JSON document that is not the API's envelope."""
    if isinstance(doc, dict) and "statusCode" in doc:
        status = doc["statusCode"]
        said = clean(without_key(str(doc.get("message") or "no message")), 300)
        way = _WAY.get(status, "fetch again later") if isinstance(status, int) else "fetch again"
        code = clean(str(status), 20)
        return "statusCode", f"the file holds Comtrade's error {code}, not data: {said} ({way})"
    if isinstance(doc, dict) and "dataset" in doc and "validation" in doc:
        return "dataset", RETIRED
    return "", 'expected the API\'s envelope {"count": ..., "data": [...]}'


def is_csv_header(names: Iterable[str], known: Iterable[str]) -> bool:
    """Whether a first line names at least two of Comtrade's fields: a CSV download's header."""
    return len({n.lower() for n in names} & {k.lower() for k in known}) >= 2


def no_rows(file: str) -> Problem:
    return Problem(
        file,
        None,
        "data",
        "the file holds no rows: Comtrade answers so when nothing was reported and when a "
        "parameter is malformed; check the call's reporterCode, partnerCode, period and flowCode",
    )


def year_runs_text(years: Iterable[int]) -> str:
    """Years as runs: ``2010``, ``2019-2023``, ``2010, 2019-2023``.

    >>> year_runs_text([2023, 2010, 2019, 2020, 2021, 2022])
    '2010, 2019-2023'
    """
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and runs[-1][1] == year - 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)


def years_outside(asked: list[int], held: Iterable[int], many: bool) -> Problem:
    whose = "files'" if many else "file's"
    message = f"the {whose} years are {year_runs_text(held)}, none of {year_runs_text(asked)}: "
    message += "give --years within them, or a file with those years"
    return Problem("--years", None, "", message)


def fold(problems: list[Problem], shown: int = SHOWN_ALIKE) -> list[Problem]:
    """The problems, each kind (file, field without its row number, message) shown at most
    ``shown`` times and then counted in one line: ``... and 1,201 more rows like it``.

    >>> many = [Problem("a.json", i, f"data.{i}.flowCode", "bad") for i in range(8)]
    >>> [str(p) for p in fold(many, 2)][1:]
    ['a.json:1: data.1.flowCode: bad', 'a.json: data.N.flowCode: ... and 6 more rows like it']
    """
    seen: dict[tuple, int] = {}
    out: list[Problem] = []
    for problem in problems:
        kind = (problem.file, re.sub(r"\.[0-9]+\.", ".N.", problem.path), problem.message)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= shown:
            out.append(problem)
    for (file, path, _), count in seen.items():
        if count > shown:
            more = count - shown
            row = "row" if more == 1 else "rows"
            last = max(i for i, p in enumerate(out) if p.file == file and _kind_path(p) == path)
            out.insert(last + 1, Problem(file, None, path, f"... and {more:,} more {row} like it"))
    return out


def _kind_path(problem: Problem) -> str:
    return re.sub(r"\.[0-9]+\.", ".N.", problem.path)
