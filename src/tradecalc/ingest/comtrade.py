"""The thin adapter to UN Comtrade's API, with ``urllib3`` (the ``[comtrade]`` extra).

The UN's own client (``comtradeapicall`` 1.3.2) is not wrapped: it prints error bodies to
stdout and returns None, drops a failed year silently, sleeps 10 s in a bare ``except:``, waits
up to 120 s a call and puts the key in the URL. Here the same endpoints are called directly:

- keyless: ``/public/v1/preview/C/A/HS`` (500 rows a call at most: an answer that fills the
  cap is refused, never read as complete); keyed (``COMTRADE_API_KEY``):
  ``/data/v1/get/C/A/HS``, the key **only** in the ``Ocp-Apim-Subscription-Key`` header;
- every request sends ``partner2Code=0&motCode=0&customsCode=C00`` (totals over second
  partner, transport mode and customs procedure) and at most 12 years;
- ``urllib3.Retry`` retries 429 and 5xx (twice at most), honouring ``Retry-After`` while the
  call's 22 s budget lasts (a longer wait fails at once, saying how long); an attempt times out
  after 8 s, so every failure ends within 30 s: one line, :class:`FetchError`, exit 1.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlencode

from tradecalc.core.errors import Problem, ScenarioError, TradecalcError, install_hint
from tradecalc.core.sanitize import clean
from tradecalc.ingest import cache
from tradecalc.ingest.codes import WORLD_CODE, comtrade_code
from tradecalc.ingest.datafile import Built, Origin, build
from tradecalc.ingest.fetching import require
from tradecalc.ingest.responses import Row, envelope_error, row_from, unique

BASE = "https://comtradeapi.un.org"
PREVIEW = "/public/v1/preview/C/A/HS"
KEYED = "/data/v1/get/C/A/HS"
PREVIEW_ROWS = 500
YEARS_A_CALL = 12
CONNECT_S, ATTEMPT_S = 4.0, 8.0
"""Time-outs of one attempt (connecting; in all): a silent network fails in seconds."""
WAIT_BUDGET_S = 22.0
"""Retries (at most two) start only while this much of a call's time has not passed, and a
``Retry-After`` that would end later fails at once: with the last attempt's 8 s, every call
ends within :data:`CALL_LIMIT_S`."""
CALL_LIMIT_S = WAIT_BUDGET_S + ATTEMPT_S
PACE_S = 1.0
"""Pause between two network calls (never before a cache hit), to stay under the rate limit."""

_sleep = time.sleep


class FetchError(TradecalcError):
    """UN Comtrade could not be used: no network, refused, rate-limited, empty. Exit 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


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
            hit = cache.load(call.query)
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
    """A urllib3 pool with time-outs and (keyed) the key in a header, never in a URL."""
    import urllib3

    headers = {"Accept": "application/json", "User-Agent": "tradecalc"}
    if key:
        headers["Ocp-Apim-Subscription-Key"] = key
    return urllib3.PoolManager(
        headers=headers, timeout=urllib3.Timeout(connect=CONNECT_S, total=ATTEMPT_S)
    )


def _retry(deadline: float):
    """urllib3's Retry for 429 and 5xx, honouring Retry-After, bounded by ``deadline``."""
    from urllib3.util.retry import Retry

    class BoundedRetry(Retry):
        """A wait (Retry-After or back-off) that would pass the deadline fails at once."""

        deadline: float  # time.monotonic() past which no wait is taken, set on each copy

        def new(self, **kwargs):
            retry = super().new(**kwargs)
            retry.deadline = self.deadline
            return retry

        def sleep_for_retry(self, response) -> bool:
            wait = self.get_retry_after(response)
            if wait is not None and time.monotonic() + wait > self.deadline:
                raise _TooLong(wait, response.status)
            return super().sleep_for_retry(response)

    retry = BoundedRetry(
        total=2,
        connect=1,
        read=0,
        status=2,
        backoff_factor=0.5,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    retry.deadline = deadline
    return retry


class _TooLong(Exception):
    def __init__(self, wait: float, status: int):
        super().__init__(wait, status)
        self.wait, self.status = wait, status


def _get(pool, url: str) -> tuple[int, bytes]:
    import urllib3

    retries = _retry(time.monotonic() + WAIT_BUDGET_S)
    try:
        response = pool.request("GET", url, redirect=False, retries=retries)
    except _TooLong as error:
        _fail(
            f"HTTP {error.status} from UN Comtrade: it asks to wait {error.wait:.0f} s, longer "
            f"than tradecalc waits (a call gives up within {CALL_LIMIT_S:.0f} s); try again later"
        )
    except urllib3.exceptions.MaxRetryError as error:
        _fail(f"cannot reach {BASE}: {_reason(error.reason)}")
    except urllib3.exceptions.HTTPError as error:
        _fail(f"cannot reach {BASE}: {_reason(error)}")
    return response.status, response.data


def _reason(error) -> str:
    text = str(error)
    for known in (
        "Name or service not known",
        "Temporary failure in name resolution",
        "Connection refused",
        "timed out",
        "Network is unreachable",
    ):
        if known in text:
            return f"{type(error).__name__} ({known})"
    return clean(f"{type(error).__name__}: {text}", 200)


def _answer(status: int, body: bytes, url: str) -> dict:
    """The envelope of a 200 answer; every other answer is one FetchError line."""
    text = body.decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
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
