"""`tradecalc fetch` over the network, replayed: urllib3 runs for real (its pool, its Retry and
Retry-After), only the connection is a fake that answers from tests/fixtures/comtrade/ (MADE-UP
values in the real shape). No socket is opened (the conftest guard would fail the test).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import urllib3
import yaml
from typer.testing import CliRunner
from urllib3.connection import HTTPSConnection
from urllib3.response import HTTPResponse

from tradecalc.cli.commands import app
from tradecalc.ingest import comtrade

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
KEY = "k3y-S3CRET-0123456789abcdef"
runner = CliRunner()


class Replay:
    """Answers in order, and every request the pool sent (method, URL, headers)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests: list[tuple[str, str, dict]] = []


def answer(name: str | None = None, status: int = 200, headers=None, body: bytes | None = None):
    if body is None:
        body = (FIXTURES / name).read_bytes()
    return status, {"Content-Type": "application/json", **(headers or {})}, body


def envelope_of(rows: list[dict]) -> bytes:
    return json.dumps(
        {"elapsedTime": "0.01 secs", "count": len(rows), "data": rows, "error": ""}
    ).encode()


def rows_of(name: str, reporter: int) -> list[dict]:
    return [
        r
        for r in json.loads((FIXTURES / name).read_text())["data"]
        if r["reporterCode"] == reporter
    ]


@pytest.fixture
def replay(monkeypatch, tmp_path):
    """Install the fake connection; the cache goes to tmp_path; no pause between calls."""
    found = Replay([])
    waits: list[float] = []

    class FakeConnection(HTTPSConnection):
        def connect(self):
            self.sock = io.BytesIO()
            self.is_verified = True

        @property
        def is_connected(self):
            return self.sock is not None

        def request(self, method, url, body=None, headers=None, **kwargs):
            found.requests.append((method, url, dict(headers or {})))

        def getresponse(self):
            if not found.answers:
                raise AssertionError("more requests than recorded answers")
            status, headers, body = found.answers.pop(0)
            if status is None:
                raise OSError("[Errno 101] Network is unreachable")
            return HTTPResponse(
                body=io.BytesIO(body), headers=headers, status=status, preload_content=False
            )

    monkeypatch.setattr(urllib3.connectionpool.HTTPSConnectionPool, "ConnectionCls", FakeConnection)
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", waits.append)
    monkeypatch.setattr(comtrade, "_sleep", lambda s: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    found.waits = waits
    return found


def pair_answers():
    """AZE's then PAK's answer for PAK/AZE 2019-2023, as the two keyless calls return them."""
    return [
        answer(body=envelope_of(rows_of("pak-aze.json", 586))),
        answer(body=envelope_of(rows_of("pak-aze.json", 31))),
    ]


def fetch(*args: str):
    return runner.invoke(app, ["fetch", "--economies", "PAK", "AZE", "--years", "2019-2023", *args])


def test_network_gives_the_same_history_as_the_file(replay):
    replay.answers = pair_answers()
    result = fetch()
    assert result.exit_code == 0, result.stderr
    from_network = yaml.safe_load(result.stdout)
    from_file = yaml.safe_load(
        runner.invoke(
            app,
            ["fetch", "--economies", "PAK", "AZE", "--from-file", str(FIXTURES / "pak-aze.json")],
        ).stdout
    )
    assert from_network["history"] == from_file["history"]
    urls = [url for _, url, _ in replay.requests]
    assert urls == [
        "/public/v1/preview/C/A/HS?reporterCode=586&partnerCode=31&partner2Code=0"
        "&period=2019,2020,2021,2022,2023&cmdCode=TOTAL&flowCode=M,X&motCode=0&customsCode=C00"
        "&includeDesc=true",
        "/public/v1/preview/C/A/HS?reporterCode=31&partnerCode=586&partner2Code=0"
        "&period=2019,2020,2021,2022,2023&cmdCode=TOTAL&flowCode=M,X&motCode=0&customsCode=C00"
        "&includeDesc=true",
    ]
    source = next(
        s for s in from_network["sources"] if s["id"] == "comtrade_aze_pak_total_2019_2023"
    )
    assert source["url"] == "https://comtradeapi.un.org" + urls[1]
    assert len(source["date"]) == 10 and "keyless preview" in source["note"]


def test_second_run_is_offline_from_the_cache_and_refresh_downloads(replay):
    replay.answers = pair_answers()
    first = fetch()
    assert first.exit_code == 0
    assert len(replay.requests) == 2
    second = fetch("--offline")
    assert second.exit_code == 0, second.stderr
    assert len(replay.requests) == 2  # nothing asked of the network
    assert yaml.safe_load(second.stdout)["history"] == yaml.safe_load(first.stdout)["history"]
    replay.answers = pair_answers()
    assert fetch("--refresh").exit_code == 0
    assert len(replay.requests) == 4


def test_offline_says_what_is_missing(replay):
    result = fetch("--offline")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "comtrade: --offline: not in the cache (run once without --offline): "
    )
    assert "reporter 586, partner 31, 2019-2023, TOTAL" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_429_is_retried_after_the_wait_it_asks(replay):
    replay.answers = [
        answer("http-429.json", 429, {"Retry-After": "2"}),
        *pair_answers(),
    ]
    result = fetch()
    assert result.exit_code == 0, result.stderr
    assert replay.waits == [2.0]  # urllib3's Retry slept exactly what Retry-After said
    assert len(replay.requests) == 3


def test_429_with_a_long_wait_fails_at_once(replay):
    replay.answers = [answer("http-429.json", 429, {"Retry-After": "3600"})]
    result = fetch()
    assert result.exit_code == 1
    assert result.stderr == (
        "comtrade: HTTP 429 from UN Comtrade: it asks to wait 3600 s, longer than tradecalc "
        "waits (a call gives up within 27 s); try again later\n"
    )
    assert replay.waits == []


def test_429_every_time_gives_up_after_two_retries(replay):
    replay.answers = [answer("http-429.json", 429, {"Retry-After": "1"})] * 3
    result = fetch()
    assert result.exit_code == 1
    assert result.stderr == (
        "comtrade: HTTP 429 from UN Comtrade, still after retrying: "
        "Rate limit is exceeded. Try again in 2 seconds.\n"
    )
    assert replay.waits == [1.0, 1.0]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            [answer("http-401.json", 401)],
            "comtrade: HTTP 401 from UN Comtrade: Access denied due to invalid subscription key. "
            "Make sure to provide a valid key for an active subscription. (check COMTRADE_API_KEY)",
        ),
        (
            [answer("http-403.json", 403)],
            "comtrade: HTTP 403 from UN Comtrade: Out of call volume quota. Quota will be "
            "replenished in 05:12:09.",
        ),
        (
            [answer("policy.json", 403)],
            "comtrade: UN Comtrade refuses keyless calls at present (All calls are rejected by "
            "policy.): set COMTRADE_API_KEY (a free key from comtradedeveloper.un.org) or use "
            "--from-file",
        ),
        (
            [answer(status=500, body=b"<html>oops</html>")] * 3,
            "comtrade: HTTP 500 from UN Comtrade: <html>oops</html>",
        ),
        (
            [answer(status=404, body=b'{"statusCode": 404, "message": "Resource not found"}')],
            "comtrade: HTTP 404 from UN Comtrade: Resource not found",
        ),
        (
            [answer("empty.json"), answer("empty.json")],
            "comtrade: UN Comtrade returned no rows for anything asked (PAK and AZE)",
        ),
        (
            [
                answer(
                    status=200,
                    body=b'{"elapsedTime": "0", "count": 0, "data": [], "error": "Invalid period"}',
                )
            ],
            "comtrade: UN Comtrade answered with an error: Invalid period",
        ),
        (
            [answer(status=200, body=b"not json")],
            "comtrade: UN Comtrade's answer is not its JSON envelope: not json",
        ),
        (
            [(None, {}, b"")] * 2,
            "comtrade: cannot reach https://comtradeapi.un.org: ",
        ),
    ],
    ids=[
        "401",
        "403-quota",
        "policy",
        "500",
        "404",
        "empty",
        "error-field",
        "not-json",
        "no-network",
    ],
)
def test_failures_are_one_line_exit_1_nothing_written(replay, answers, message, tmp_path):
    replay.answers = list(answers)
    out = tmp_path / "data.yaml"
    result = fetch("-o", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(message)
    assert not out.exists()


def test_preview_cap_is_refused_not_read_as_complete(replay):
    row = rows_of("pak-aze.json", 31)[0]
    replay.answers = [answer(body=envelope_of([row] * 500))]
    result = fetch()
    assert result.exit_code == 1
    assert "the keyless preview returns at most 500 rows" in result.stderr


def test_the_key_appears_in_no_output_file_cache_entry_or_log(
    replay, monkeypatch, tmp_path, caplog
):
    import logging

    caplog.set_level(logging.DEBUG)  # urllib3 logs every request at DEBUG
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    replay.answers = [*pair_answers(), answer("http-401.json", 401)]
    out = tmp_path / "data.yaml"
    result = fetch("-o", str(out))
    assert result.exit_code == 0, result.stderr
    failed = fetch("--refresh")  # a failure's message does not carry it either
    assert failed.exit_code == 1
    for _method, url, headers in replay.requests:
        assert KEY not in url and url.startswith("/data/v1/get/C/A/HS?")
        assert headers["Ocp-Apim-Subscription-Key"] == KEY  # the header, and only there
    texts = [result.stdout, result.stderr, failed.stdout, failed.stderr, caplog.text]
    assert "comtradeapi.un.org" in caplog.text
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("cache" in str(p) for p in files)
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in files]
    assert all(KEY not in text for text in texts)
    assert "keyed API" in out.read_text()


def test_detail_hs2_fetches_the_base_year_by_product(replay):
    hs2 = json.loads((FIXTURES / "pak-aze-hs2-2023.json").read_text())["data"]

    def part(reporter, partner):
        return answer(
            body=envelope_of(
                [r for r in hs2 if (r["reporterCode"], r["partnerCode"]) == (reporter, partner)]
            )
        )

    replay.answers = [*pair_answers(), part(586, 31), part(586, 0), part(31, 586), part(31, 0)]
    result = fetch("--detail", "hs2")
    assert result.exit_code == 0, result.stderr
    products = yaml.safe_load(result.stdout)["products"]
    assert products["detail"] == "hs2"
    assert {r["year"] for r in products["rows"]} == {2023}
    # made up: AZE's imports of chapter 30 from PAK, US$ 6,000,000
    assert {
        "year": 2023,
        "reporter": "AZE",
        "partner": "PAK",
        "flow": "M",
        "product": "30",
        "value_usd_m": 6.0,
        "source": "comtrade_aze_pak_hs2_2023",
    } in products["rows"]
    assert "cmdCode=AG2" in replay.requests[2][1] and "period=2023" in replay.requests[2][1]


def _hs2_answers():
    hs2 = json.loads((FIXTURES / "pak-aze-hs2-2023.json").read_text())["data"]

    def part(reporter, partner):
        chosen = [r for r in hs2 if (r["reporterCode"], r["partnerCode"]) == (reporter, partner)]
        return answer(body=envelope_of(chosen))

    return [part(586, 31), part(586, 0), part(31, 586), part(31, 0)]


def test_world_keyless_is_one_call_per_chapter_for_every_reporter(replay):
    world = json.loads((FIXTURES / "world-hs2-2023.json").read_text())["data"]
    chapters = [f"{c:02d}" for c in range(1, 98) if c != 77]
    by_chapter = [
        answer(body=envelope_of([r for r in world if r["cmdCode"] == c])) for c in chapters
    ]
    replay.answers = [*pair_answers(), *_hs2_answers(), *by_chapter]
    result = fetch("--detail", "hs2", "--world")
    assert result.exit_code == 0, result.stderr
    calls = [url for _, url, _ in replay.requests[6:]]
    assert len(calls) == 96  # HS chapters 01-97 without the reserved 77
    assert all(
        "reporterCode" not in u and "partnerCode=0" in u and "flowCode=X" in u for u in calls
    )
    assert "cmdCode=30" in calls[29]
    world_rows = yaml.safe_load(result.stdout)["products"]["world"]
    # made up: chapter 30 exports of DEU 110,000 m and USA 90,000 m (PAK has none)
    assert sum(r["value_usd_m"] for r in world_rows if r["product"] == "30") == 200_000.0
    assert {r["source"] for r in world_rows} == {"comtrade_all_wld_hs2_2023"}


def test_world_keyed_is_one_call(replay, monkeypatch):
    monkeypatch.setenv("COMTRADE_API_KEY", KEY)
    world = (FIXTURES / "world-hs2-2023.json").read_bytes()
    replay.answers = [*pair_answers(), *_hs2_answers(), answer(body=world)]
    result = fetch("--detail", "hs2", "--world")
    assert result.exit_code == 0, result.stderr
    assert len(replay.requests) == 7
    assert "cmdCode=AG2" in replay.requests[-1][1] and "reporterCode" not in replay.requests[-1][1]
    assert len(yaml.safe_load(result.stdout)["products"]["world"]) == 10  # the fixture's rows


def test_world_hs4_keyless_needs_a_key(replay):
    replay.answers = [*pair_answers(), *_hs2_answers()]
    result = fetch("--detail", "hs4", "--world")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "comtrade: --world --detail hs4 needs the keyed API: set COMTRADE_API_KEY\n"
    )


def test_more_than_twelve_years_go_in_two_calls_under_one_source(replay):
    rows = {r: rows_of("pak-aze.json", r) for r in (586, 31)}
    empty = answer(body=envelope_of([]))
    # PAK then AZE, each 2012-2023 and then 2024 (nothing for 2024: made-up rows end in 2023)
    replay.answers = [
        answer(body=envelope_of(rows[586])),
        empty,
        answer(body=envelope_of(rows[31])),
        empty,
    ]
    result = runner.invoke(app, ["fetch", "--economies", "PAK", "AZE", "--years", "2012-2024"])
    assert result.exit_code == 0, result.stderr
    periods = [url.split("period=")[1].split("&")[0] for _, url, _ in replay.requests]
    assert periods == [",".join(map(str, range(2012, 2024))), "2024"] * 2
    doc = yaml.safe_load(result.stdout)
    assert {s["id"] for s in doc["sources"]} == {
        "comtrade_aze_pak_total_2019_2023",
        "comtrade_pak_aze_total_2019_2023",
    }
    assert "PAK 2012-2018 (neither flow); PAK 2021 (neither flow); PAK 2024" in result.stderr


def test_init_fetch_writes_the_data_file_and_a_starter_from_the_network(replay, tmp_path):
    empty = answer(body=envelope_of([]))
    years = list(range(2000, comtrade_latest() + 1))
    calls = len(comtrade.chunks(years))
    # PAK then AZE; the made-up rows answer the first call of each, later chunks are empty
    replay.answers = [
        answer(body=envelope_of(rows_of("pak-aze.json", 586))),
        *[empty] * (calls - 1),
        answer(body=envelope_of(rows_of("pak-aze.json", 31))),
        *[empty] * (calls - 1),
        *_hs2_answers(),
    ]
    out = tmp_path / "pak-aze.yaml"
    args = ["init", "--economies", "PAK", "AZE", "--target", "2000", "--by", "2030", "--fetch"]
    result = runner.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    starter = yaml.safe_load(out.read_text())
    assert starter["extends"] == "pak-aze-data.yaml" and starter["base_year"] == 2023
    flows = {(f["direction"], f["sector"]): f["value_usd_m"] for f in starter["baseline"]["flows"]}
    # the baseline follows AZE (more years it reported itself: PAK's 2023 imports are a UNSD
    # aggregate); made up: AZE's 2023 chapter 52 imports from PAK
    assert starter["baseline"]["reporter"] == "AZE"
    assert flows[("pak_to_aze", "textiles")] == 5.0
    assert runner.invoke(app, ["project", str(out), "-f", "json"]).exit_code == 0


def comtrade_latest() -> int:
    from tradecalc.ingest.fetching import latest_complete_year

    return latest_complete_year()


def test_a_damaged_cache_entry_is_treated_as_absent(replay, tmp_path):
    replay.answers = pair_answers()
    assert fetch().exit_code == 0
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == 2  # one normalised answer per call
    pak = next(p for p in entries if "reporterCode=586" in json.loads(p.read_text())["query"])
    pak.write_text("{not json")
    replay.answers = pair_answers()[:1]  # PAK's answer
    result = fetch()
    assert result.exit_code == 0, result.stderr
    assert len(replay.requests) == 3  # only the damaged call went to the network again
    assert "reporterCode=586" in replay.requests[-1][1]
    assert json.loads(pak.read_text())["url"].endswith(replay.requests[-1][1])  # stored again
