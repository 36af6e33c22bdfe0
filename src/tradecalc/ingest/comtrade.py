"""The thin adapter to UN Comtrade's API, with ``urllib3`` (the ``[comtrade]`` extra).

The UN's own client (``comtradeapicall`` 1.3.2) is not wrapped: it prints error bodies to
stdout and returns None, drops a failed year silently, sleeps 10 s in a bare ``except:``, waits
up to 120 s a call and puts the key in the URL. Here the same endpoints are called directly:

- keyless: ``/public/v1/preview/C/A/HS`` (500 rows a call at most: an answer that fills the
  cap is refused, never read as complete); keyed (``COMTRADE_API_KEY``):
  ``/data/v1/get/C/A/HS``, the key **only** in the ``Ocp-Apim-Subscription-Key`` header;
- every request sends ``partner2Code=0&motCode=0&customsCode=C00`` (totals over second
  partner, transport mode and customs procedure) and at most 12 years;
- every call goes through :func:`tradecalc.ingest.http.get`: retries of 429 and 5xx while the
  deadline allows, a wall-clock deadline of 27 s over connect, headers and body together and a
  cap on the bytes read (after inflating), so every failure ends within 30 s, costs at most the
  cap and is one line, :class:`FetchError`, exit 1, with nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlencode

from tradecalc.core.errors import Problem, ScenarioError, install_hint
from tradecalc.core.sanitize import clean
from tradecalc.ingest import cache, http
from tradecalc.ingest.codes import WORLD_CODE, comtrade_code
from tradecalc.ingest.datafile_writer import Built, Origin, build
from tradecalc.ingest.fetching import require
from tradecalc.ingest.responses import Row, envelope_error, row_from, too_deep, unique

BASE = "https://comtradeapi.un.org"
PREVIEW = "/public/v1/preview/C/A/HS"
KEYED = "/data/v1/get/C/A/HS"
PREVIEW_ROWS = 500
YEARS_A_CALL = 12
PACE_S = 1.0
"""Pause between two network calls (never before a cache hit), to stay under the rate limit."""

_sleep = time.sleep


class FetchError(http.NetworkError):
    """UN Comtrade could not be used: no network, refused, rate-limited, empty. Exit 1."""


def _fail(message: str) -> NoReturn:
    raise FetchError([Problem("comtrade", None, "", message)])


@dataclass(frozen=True)
class Call:
    """One request: reporter (None: every reporter), partner, years, products and flows."""

    reporter: int | None
    partner: int
    years: tuple[int, ...]
    cmd: str = "TOTAL"
    flows: str = "M,X"

    @property
    def query(self) -> str:
        params: dict[str, int | str] = {}
        if self.reporter is not None:
            params["reporterCode"] = self.reporter
        params |= {
            "partnerCode": self.partner,
            "partner2Code": 0,
            "period": ",".join(str(y) for y in self.years),
            "cmdCode": self.cmd,
            "flowCode": self.flows,
            "motCode": 0,
            "customsCode": "C00",
            "includeDesc": "true",
        }
        return urlencode(params, safe=",")

    def url(self, keyed: bool) -> str:
        """The request URL: it never holds a key."""
        return f"{BASE}{KEYED if keyed else PREVIEW}?{self.query}"


def chunks(years: list[int]) -> list[tuple[int, ...]]:
    """Years in calls of at most 12 (the API's limit)."""
    return [tuple(years[i : i + YEARS_A_CALL]) for i in range(0, len(years), YEARS_A_CALL)]


class Client:
    """Runs calls through the cache and the network; remembers where each row came from."""

    def __init__(self, key: str | None, offline: bool = False, refresh: bool = False):
        self.key, self.offline, self.refresh = key, offline, refresh
        self.origins: dict[str, Origin] = {}
        self.missing: list[Call] = []
        self._pool = None
        self._called = False

    @property
    def api(self) -> str:
        return "UN Comtrade keyed API" if self.key else "UN Comtrade keyless preview API"

    def rows(self, call: Call) -> list[Row]:
        """The rows of one call: from the cache unless --refresh, else from the network."""
        if not self.refresh:
            hit = cache.lookup(call.query, (call.url(True), call.url(False)))
            if hit is not None:
                rows, url, retrieved = hit
                self.origins[url] = Origin(url=url, date=retrieved, api=f"{self.api} (cached)")
                return rows
        if self.offline:
            self.missing.append(call)
            return []
        url = call.url(bool(self.key))
        rows = self._download(url)
        retrieved = dt.date.today().isoformat()
        cache.store(call.query, url, retrieved, rows)
        self.origins[url] = Origin(url=url, date=retrieved, api=self.api)
        return rows

    def _download(self, url: str) -> list[Row]:
        if self._called:
            _sleep(PACE_S)
        self._called = True
        status, body = _get(self._pool_manager(), url)
        doc = _answer(status, body, url)
        if not self.key and len(doc["data"]) >= PREVIEW_ROWS:
            _fail(
                f"the keyless preview returns at most {PREVIEW_ROWS} rows and this answer has "
                f"{len(doc['data'])}: it may be cut. Set COMTRADE_API_KEY or ask fewer years"
            )
        try:
            found = [row_from(item, url, None, f"data.{i}.") for i, item in enumerate(doc["data"])]
        except ScenarioError as error:
            _fail(f"a malformed answer from UN Comtrade: {error.problems[0]}")
        return found

    def _pool_manager(self):
        if self._pool is None:
            self._pool = pool_manager(self.key)
        return self._pool


def pool_manager(key: str | None):
    """A pool of :mod:`~tradecalc.ingest.http` with (keyed) the key in a header, never in a
    URL."""
    headers = {"Accept": "application/json", "User-Agent": "tradecalc"}
    if key:
        headers["Ocp-Apim-Subscription-Key"] = key
    return http.pool_manager(headers)


def _get(pool, url: str) -> tuple[int, bytes]:
    try:
        answer = http.get(pool, url, label="comtrade", service="UN Comtrade")
    except http.NetworkError as error:
        raise FetchError(error.problems) from None
    return answer.status, answer.body


def _answer(status: int, body: bytes, url: str) -> dict:
    """The envelope of a 200 answer; every other answer is one FetchError line."""
    text = body.decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    except RecursionError:
        line, _, message = too_deep(text)
        _fail(f"UN Comtrade's answer is not its JSON envelope: {message} (line {line})")
    message = _message(doc, text)
    if "rejected by policy" in text:
        _fail(
            f"UN Comtrade refuses keyless calls at present ({message}): set COMTRADE_API_KEY "
            "(a free key from comtradedeveloper.un.org) or use --from-file"
        )
    if status == 401:
        _fail(f"HTTP 401 from UN Comtrade: {message} (check COMTRADE_API_KEY)")
    if status == 429:
        _fail(f"HTTP 429 from UN Comtrade, still after retrying: {message}")
    if status != 200:
        _fail(f"HTTP {status} from UN Comtrade: {message}")
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        _fail(f"UN Comtrade's answer is not its JSON envelope: {clean(text, 120)}")
    if envelope_error(doc):
        _fail(f"UN Comtrade answered with an error: {clean(envelope_error(doc), 300)}")
    return doc


def _message(doc, text: str) -> str:
    if isinstance(doc, dict):
        found = doc.get("message") or envelope_error(doc)
        if found:
            return clean(found, 300)
    return clean(text.strip() or "no message", 200)


NETWORK_PACKAGES = ("urllib3", "platformdirs")
"""What the network path and its cache need: the ``[comtrade]`` extra."""


def _need_network_packages() -> None:
    """Refuse, in one line, a network fetch without the ``[comtrade]`` extra (exit 2)."""
    import importlib.util

    missing = [name for name in NETWORK_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        hint = install_hint(" ".join(missing), "comtrade")
        message = f"the network path needs {' and '.join(missing)}: {hint}"
        raise ScenarioError(
            [Problem("fetch", None, "", f"{message}; --from-file reads saved answers without them")]
        )


def _numeric_code(iso3: str) -> int:
    """Comtrade's code of an economy (check_pair has refused unknown ones before a command)."""
    code = comtrade_code(iso3)
    if code is None:
        raise ScenarioError(
            [Problem("fetch", None, "", f"{iso3!r} is not an ISO 3166 alpha-3 code")]
        )
    return code


def from_api(
    pair: tuple[str, str],
    years: list[int],
    detail: str = "total",
    world: bool = False,
    *,
    key: str | None = None,
    offline: bool = False,
    refresh: bool = False,
    products_optional: bool = False,
) -> Built:
    """The data file of ``pair`` from UN Comtrade (through the cache).

    ``products_optional``: no product rows give a data file without them (init).
    """
    _need_network_packages()
    client = Client(key, offline, refresh)
    codes = {code: _numeric_code(code) for code in pair}
    rows: list[Row] = []
    for reporter, partner in (pair, tuple(reversed(pair))):
        for span in chunks(years):
            rows += client.rows(Call(codes[reporter], codes[partner], span))
    built = build(pair, unique(rows), client.origins, years)
    if detail != "total" and built.document["history"]:
        base = max(e["year"] for e in built.document["history"])
        rows += _detail_rows(client, pair, codes, base, detail, world)
        built = build(pair, unique(rows), client.origins, years, detail, world)
    if products_optional and not built.document.get("products", {}).get("rows"):
        built.document.pop("products", None)
        detail = "total"
    _check(client, built, rows, pair, detail, world)
    return built


def _detail_rows(client: Client, pair, codes, year: int, detail: str, world: bool) -> list[Row]:
    cmd = "AG2" if detail == "hs2" else "AG4"
    rows: list[Row] = []
    for reporter, partner in (pair, tuple(reversed(pair))):
        for other in (codes[partner], WORLD_CODE):
            rows += client.rows(Call(codes[reporter], other, (year,), cmd))
    if world and client.key:
        rows += client.rows(Call(None, WORLD_CODE, (year,), cmd, "X"))
    elif world and detail == "hs2":  # keyless: one call per chapter, every reporter
        for chapter in range(1, 98):
            if chapter != 77:  # chapter 77 is reserved in the HS
                rows += client.rows(Call(None, WORLD_CODE, (year,), f"{chapter:02d}", "X"))
    elif world:
        _fail("--world --detail hs4 needs the keyed API: set COMTRADE_API_KEY")
    return rows


def _check(client: Client, built: Built, rows: list[Row], pair, detail: str, world: bool) -> None:
    if client.missing:
        asked = "; ".join(_describe(c) for c in client.missing)
        _fail(f"--offline: not in the cache (run once without --offline): {asked}")
    if not rows:
        _fail(f"UN Comtrade returned no rows for anything asked ({pair[0]} and {pair[1]})")
    require(built, pair, detail, world, "comtrade", FetchError)


def _describe(call: Call) -> str:
    years = f"{call.years[0]}-{call.years[-1]}" if len(call.years) > 1 else f"{call.years[0]}"
    who = "every reporter" if call.reporter is None else f"reporter {call.reporter}"
    return f"{who}, partner {call.partner}, {years}, {call.cmd}"
