"""The IMF's bilateral goods trade (IMTS, formerly DOTS) through its SDMX API: requests and
answers, one GET at a time through :mod:`tradecalc.ingest.http`.

What was checked, and how (docs/panel.md says the same): the address
``https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+/{key}``, the key
``COUNTRY.INDICATOR.COUNTERPART_COUNTRY.FREQUENCY`` with ISO3 codes, ``*`` for every code and
``+`` between codes, and the time filter ``c[TIME_PERIOD]=ge:2000+le:2023`` are those of the
``imfp`` 2.1.1 client (``utils._build_data_request``, ``_build_time_query_params``) and of the
R package ``readimf`` (``imf_dots``), which also asks for SDMX-CSV with ``Accept:
application/vnd.sdmx.data+csv;version=2.0.0``. The indicators ``XG_FOB_USD`` (goods exports,
FOB) and ``MG_CIF_USD`` (goods imports, CIF) and the group code ``G001`` (the world) are those
of ``readimf`` and of public scripts that read live answers; two of those say ``OBS_VALUE`` is
US dollars without a multiplier (Korea's 2024 exports to China 132,902,972,288), though the
answer carries a ``SCALE`` attribute: tradecalc reads ``OBS_VALUE`` as US dollars and does
not apply ``SCALE``. No live answer could be requested from here.

A row is a directed flow as its **exporter** reports it (``XG_FOB_USD``: the reporter is the
exporter, the counterpart the importer), FOB like BACI and AGTPA. A series or period the
answer lacks, or an empty or ``NaN`` value, is *not reported* (never zero). Reporters and
counterparts that are country groups (``G001`` the world, ``G110`` ...; a wildcard key returns
them too) are left out and counted.
"""

from __future__ import annotations

import csv
import io
import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

from tradecalc.core.errors import Problem
from tradecalc.ingest import http

BASE = "https://api.imf.org/external/sdmx/3.0/data/dataflow/IMF.STA/IMTS/+"
"""The IMTS data flow of the IMF's SDMX 3.0 API (read at each call: the tests point it at a
server on 127.0.0.1)."""
ACCEPT = "application/vnd.sdmx.data+csv;version=2.0.0"
INDICATOR = "XG_FOB_USD"
"""Goods exports, FOB, US dollars, as the exporter reports them."""
FIRST_YEAR = 1948
"""IMTS (DOTS) begins in 1948."""
PAUSE_S = 1.0
"""Pause between two calls (the IMF's API limits the rate of calls per address)."""
LABEL, SERVICE = "imf", "the IMF's SDMX API"
NEEDED = ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY", "TIME_PERIOD", "OBS_VALUE")
ISO3 = re.compile(r"[A-Z]{3}")
PERIOD = {"A": re.compile(r"(\d{4})"), "M": re.compile(r"(\d{4})-M(\d{2})")}

_sleep = time.sleep


@dataclass(frozen=True)
class Flow:
    """One observation: exporter, importer, year, month (0 for a year) and US$ million."""

    exporter: str
    importer: str
    year: int
    month: int
    value_usd_m: float


@dataclass
class Fetched:
    """What a fetch brought: the flows, the request URLs and the group series left out."""

    flows: list[Flow]
    urls: list[str]
    groups_left_out: int = 0


def keys(economies: tuple[str, str] | None, years: list[int]) -> list[tuple[str, list[int]]]:
    """The series keys to ask for and the years of each call: a pair in one call (both
    directions), every economy one call a year (each call about 40,000 annual series)."""
    if economies is not None:
        codes = "+".join(dict.fromkeys(economies))
        return [(f"{codes}.{INDICATOR}.{codes}", years)]
    return [(f"*.{INDICATOR}.*", [year]) for year in years]


def url(key: str, frequency: str, years: list[int]) -> str:
    """The request of one key over ``years`` (``frequency`` ``A`` or ``M``)."""
    first, last = years[0], years[-1]
    window = f"ge:{first}-M01+le:{last}-M12" if frequency == "M" else f"ge:{first}+le:{last}"
    return f"{BASE}/{key}.{frequency}?c%5BTIME_PERIOD%5D={window.replace('+', '%2B')}"


def fetch(economies: tuple[str, str] | None, years: list[int], monthly: bool) -> Fetched:
    """Every call of a fetch, in order; :class:`http.NetworkError` (one line) on any failure,
    before anything is written."""
    frequency = "M" if monthly else "A"
    pool = http.pool_manager({"Accept": ACCEPT, "User-Agent": "tradecalc"})
    fetched = Fetched([], [])
    for number, (key, span) in enumerate(keys(economies, years)):
        if number:
            _sleep(PAUSE_S)
        address = url(key, frequency, span)
        answer = http.get(pool, address, label=LABEL, service=SERVICE)
        if answer.status == 404:  # SDMX: "no results found" for a key without series
            fetched.urls.append(address)
            continue
        if answer.status != 200:
            message = f"{SERVICE} answered HTTP {answer.status} ({http.origin(address)})"
            http.fail_remote(LABEL, message)
        read(answer.body, frequency, set(span), fetched)
        fetched.urls.append(address)
    return fetched


def read(body: bytes, frequency: str, years: set[int], into: Fetched) -> None:
    """The flows of one SDMX-CSV answer, checked row by row; a malformed answer is one line."""
    text = body.decode("utf-8-sig", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(rows, [])]
    if not text.strip():
        return
    missing = [c for c in NEEDED if c not in header]
    if missing:
        _bad(1, f"not SDMX-CSV of IMTS: no column {', '.join(missing)}")
    at = {name: header.index(name) for name in (*NEEDED, "FREQUENCY") if name in header}
    for line, row in enumerate(rows, 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            _bad(line, f"expected {len(header)} fields, found {len(row)}")
        flow = _flow(row, at, frequency, line)
        if flow is None:
            continue
        if not (ISO3.fullmatch(flow.exporter) and ISO3.fullmatch(flow.importer)):
            into.groups_left_out += 1
        elif flow.year in years and flow.exporter != flow.importer:
            into.flows.append(flow)


def _flow(row: list[str], at: dict[str, int], frequency: str, line: int) -> Flow | None:
    cell = {name: row[index].strip() for name, index in at.items()}
    if cell["INDICATOR"] != INDICATOR:
        _bad(line, f"INDICATOR: not the indicator asked for ({INDICATOR})")
    if cell.get("FREQUENCY", frequency) != frequency:
        _bad(line, f"FREQUENCY: not the frequency asked for ({frequency})")
    period = PERIOD[frequency].fullmatch(cell["TIME_PERIOD"])
    if period is None or (frequency == "M" and not 1 <= int(period[2]) <= 12):
        _bad(line, "TIME_PERIOD: not a period of the frequency asked for")
    raw = cell["OBS_VALUE"]
    if raw in ("", "NaN", "NA"):
        return None  # not reported, never zero
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value < 0:
        _bad(line, "OBS_VALUE: not a finite number at least 0")
    month = int(period[2]) if frequency == "M" else 0
    return Flow(cell["COUNTRY"], cell["COUNTERPART_COUNTRY"], int(period[1]), month, value / 1e6)


def _bad(line: int, message: str) -> NoReturn:
    """A malformed answer: one line, exit 1 (never a raw cell of the answer)."""
    raise http.NetworkError(
        [Problem(LABEL, None, "", f"{SERVICE}'s answer, line {line}: {message}")]
    )


def rows(fetched: Fetched, monthly: bool) -> Iterator[tuple]:
    """The flows as panel rows: ``(exporter, importer, year[, month], value_usd_m)``."""
    for flow in fetched.flows:
        if monthly:
            yield flow.exporter, flow.importer, flow.year, flow.month, flow.value_usd_m
        else:
            yield flow.exporter, flow.importer, flow.year, flow.value_usd_m


def check_years(text: str | None, latest: int) -> list[int]:
    """``--years FIRST-LAST`` within IMTS's years (default 2000 to ``latest``)."""
    from tradecalc.core.errors import ScenarioError

    if text is None:
        return list(range(2000, latest + 1))
    found = re.fullmatch(r"\s*([0-9]{4})\s*(?:[-:]\s*([0-9]{4})\s*)?", text)
    if not found:
        message = f"expected FIRST-LAST such as 2000-2024, got {text!r}"
        raise ScenarioError([Problem("--years", None, "", message)])
    first, last = int(found[1]), int(found[2] or found[1])
    if first > last or first < FIRST_YEAR or last > latest:
        message = f"IMTS runs from {FIRST_YEAR} to {latest} (first year first), got {text.strip()}"
        raise ScenarioError([Problem("--years", None, "", message)])
    return list(range(first, last + 1))
