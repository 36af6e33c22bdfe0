"""`panel fetch imf`: the IMF's IMTS through its SDMX API into a panel, all or nothing, against a
server on 127.0.0.1 (tests/hostile.py) that ``tradecalc.ingest.imf.BASE`` points at.

The answers are SDMX-CSV 2.0 in the shape the IMF's API gives for IMTS (columns ``STRUCTURE,
STRUCTURE_ID,ACTION``, the four dimensions of the key, ``TIME_PERIOD``, ``OBS_VALUE``, then
attributes such as ``SCALE``; docs/panel.md says how this was checked). No recorded answer of
the API could be found, so the values are MADE UP, except Korea's 2024 exports to China,
132,902,972,288 US$, which a public script quotes from a live answer.
"""

from __future__ import annotations

import json

import pytest
from tests.hostile import Server, head, loopback
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.ingest import imf

__all__ = ["loopback"]  # the fixture, used by name

runner = CliRunner()
HEADER = (
    "STRUCTURE,STRUCTURE_ID,ACTION,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,"
    "TIME_PERIOD,OBS_VALUE,SCALE\n"
)
FLOW = "dataflow,IMF.STA:IMTS(1.0.0),I,{},XG_FOB_USD,{},{},{},{},6\n"


def csv_answer(*rows: tuple) -> bytes:
    """An SDMX-CSV answer of rows ``(country, counterpart, frequency, period, value)``."""
    return (HEADER + "".join(FLOW.format(*row) for row in rows)).encode()


PAIR = csv_answer(
    ("KOR", "CHN", "A", "2023", "124800000000"),  # made up
    ("KOR", "CHN", "A", "2024", "132902972288"),  # quoted from a live answer by a public script
    ("CHN", "KOR", "A", "2023", "149500000000"),  # made up
    ("CHN", "KOR", "A", "2024", ""),  # not reported: an empty value
    ("KOR", "G001", "A", "2024", "683700000000"),  # the world: a group, left out
)


@pytest.fixture
def imf_server(monkeypatch, tmp_path, loopback, panel_store):
    """An in-process fetch against a server: no pause, the store in tmp_path."""
    monkeypatch.setattr(imf, "_sleep", lambda s: None)
    monkeypatch.chdir(tmp_path)

    def serve(script):
        server = Server(script)
        monkeypatch.setattr(imf, "BASE", server.url + "/IMTS/+")
        return server

    return serve


def answers(*bodies: bytes, status: int = 200):
    """A script answering the n-th request with the n-th body (the last one after that)."""

    def script(server, client):
        body = bodies[min(len(server.requests), len(bodies)) - 1]
        client.sendall(head(status, Content_Length=str(len(body))) + body)

    return script


def request_line(raw: bytes) -> str:
    return raw.split(b"\r\n")[0].decode()


def listing(store) -> list[str]:
    return sorted(p.name for p in store.iterdir()) if store.exists() else []


@pytest.mark.enable_socket
def test_a_pair_is_one_call_and_becomes_a_panel(imf_server, panel_store):
    with imf_server(answers(PAIR)) as server:
        result = runner.invoke(
            app, ["panel", "fetch", "imf", "--economies", "KOR", "CHN", "--years", "2023-2024"]
        )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    (request,) = server.requests
    assert request_line(request) == (
        "GET /IMTS/+/KOR+CHN.XG_FOB_USD.KOR+CHN.A?c%5BTIME_PERIOD%5D=ge:2023%2Ble:2024 HTTP/1.1"
    )
    assert b"accept: application/vnd.sdmx.data+csv;version=2.0.0" in request.lower()
    assert "1 observations with a country group" in result.stderr  # KOR->G001 left out
    shown = runner.invoke(
        app, ["panel", "show", "imf-imts", "--economies", "KOR", "CHN", "-f", "json"]
    )
    assert shown.exit_code == 0, shown.stderr
    rows = json.loads(shown.stdout)
    # US$ / 1e6 = US$ million; CHN->KOR 2024 is empty in the answer: not reported, no row
    assert [(r["exporter"], r["year"], r["value_usd_m"]) for r in rows] == [
        ("CHN", 2023, 149500.0),
        ("KOR", 2023, 124800.0),
        ("KOR", 2024, pytest.approx(132902.972288)),
    ]
    meta = json.loads((panel_store / "imf-imts" / "panel.json").read_text())
    assert (
        meta["absence"] == "not-reported" and "International Monetary Fund" in meta["attribution"]
    )
    assert meta["requests"] == [imf.BASE + request_line(request).split(" ")[1][len("/IMTS/+") :]]


@pytest.mark.enable_socket
def test_every_economy_is_one_wildcard_call_a_year(imf_server, panel_store):
    year_2022 = csv_answer(("FRA", "IND", "A", "2022", "5000000"), ("IND", "FRA", "A", "2022", "7"))
    year_2023 = csv_answer(
        ("FRA", "IND", "A", "2023", "6000000"),
        ("G001", "IND", "A", "2023", "9000000"),  # the world as reporter: a group, left out
    )
    with imf_server(answers(year_2022, year_2023)) as server:
        result = runner.invoke(
            app, ["panel", "fetch", "imf", "--all", "--years", "2022-2023", "--id", "imts-all"]
        )
    assert result.exit_code == 0, result.stderr
    assert [request_line(r).split(" ")[1] for r in server.requests] == [
        "/IMTS/+/*.XG_FOB_USD.*.A?c%5BTIME_PERIOD%5D=ge:2022%2Ble:2022",
        "/IMTS/+/*.XG_FOB_USD.*.A?c%5BTIME_PERIOD%5D=ge:2023%2Ble:2023",
    ]
    assert "imts-all: 3 rows, 2 economies, 2022-2023" in result.stderr
    assert "warning: 1 observations with a country group" in result.stderr


@pytest.mark.enable_socket
def test_a_monthly_panel_shows_only_whole_years(imf_server, panel_store):
    months = [("TUR", "IRN", "M", f"2022-M{m:02d}", "1000000") for m in range(1, 13)]
    months += [("TUR", "IRN", "M", f"2023-M{m:02d}", "2000000") for m in range(1, 7)]
    with imf_server(answers(csv_answer(*months))) as server:
        result = runner.invoke(
            app,
            ["panel", "fetch", "imf", "--economies", "TUR", "IRN", "--years", "2022-2023",
             "--monthly"],
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert ".A?" not in request_line(server.requests[0])
    assert "ge:2022-M01%2Ble:2023-M12" in request_line(server.requests[0])
    shown = runner.invoke(
        app, ["panel", "show", "imf-imts", "--economies", "TUR", "IRN", "-f", "json"]
    )
    rows = json.loads(shown.stdout)
    # 2022: twelve months of US$ 1 million = 12; 2023 has six months only: no year total
    assert [(r["year"], r["value_usd_m"]) for r in rows] == [(2022, pytest.approx(12.0))]
    meta = json.loads((panel_store / "imf-imts" / "panel.json").read_text())
    assert "month" in meta["columns"] and meta["rows"] == 18


BAD_ANSWERS = {
    "server-error": (
        answers(b"busy", status=503),
        "imf: the IMF's SDMX API answered HTTP 503",
    ),
    "not-sdmx-csv": (
        answers(b"<html>maintenance</html>\n"),
        "imf: the IMF's SDMX API's answer, line 1: not SDMX-CSV of IMTS: no column COUNTRY",
    ),
    "negative-value": (
        answers(csv_answer(("KOR", "CHN", "A", "2023", "-5"))),
        "imf: the IMF's SDMX API's answer, line 2: OBS_VALUE: not a finite number at least 0",
    ),
    "another-indicator": (
        answers(
            (HEADER + FLOW.format("KOR", "CHN", "A", "2023", "5"))
            .replace("XG_FOB_USD", "MG_CIF_USD")
            .encode()
        ),
        "imf: the IMF's SDMX API's answer, line 2: INDICATOR: not the indicator asked for",
    ),
    "nothing-reported": (
        answers(csv_answer(("KOR", "CHN", "A", "2023", "NaN"))),
        "imf: the IMF's SDMX API reported no goods exports for KOR and CHN in 2023-2023",
    ),
    "slow-drip": (
        lambda server, client: server.drip(client, head(Content_Length="9") + b"x", every=0.3),
        "imf: no complete answer from the IMF's SDMX API within 2 s",
    ),
}


@pytest.mark.enable_socket
@pytest.mark.parametrize("script, start", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_a_failed_fetch_is_one_line_exit_1_and_the_store_unchanged(
    imf_server, panel_store, monkeypatch, script, start
):
    monkeypatch.setenv("TRADECALC_HTTP_DEADLINE", "2")
    with imf_server(script):
        result = runner.invoke(
            app, ["panel", "fetch", "imf", "--economies", "KOR", "CHN", "--years", "2023"]
        )
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(start), result.stderr
    assert [p for p in listing(panel_store) if not p.startswith(".")] == []


@pytest.mark.enable_socket
def test_the_answer_is_capped_in_bytes(imf_server, panel_store, monkeypatch):
    from tradecalc.ingest import http

    monkeypatch.setattr(http, "MAX_BYTES", 1000)
    big = csv_answer(*[("KOR", "CHN", "A", "2023", "5")] * 100)
    with imf_server(answers(big)):
        result = runner.invoke(app, ["panel", "fetch", "imf", "--economies", "KOR", "CHN"])
    assert result.exit_code == 1 and "imf: " in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert [p for p in listing(panel_store) if not p.startswith(".")] == []


def test_bad_options_are_one_line_each_exit_2_before_any_call(panel_store):
    cases = {
        ("panel", "fetch", "comtrade", "--all"): "SOURCE: the one source to fetch is imf",
        ("panel", "fetch", "imf"): "--economies: give --economies A B or --all (one of them)",
        ("panel", "fetch", "imf", "--all", "--years", "1900-2000"): "--years: IMTS runs from 1948",
        ("panel", "fetch", "imf", "--economies", "TUR", "TUR"): "--economies: two different",
        ("panel", "fetch", "imf", "--all", "--id", "agtpa"): "--id: a panel 'agtpa' exists",
    }
    for args, start in cases.items():
        result = runner.invoke(app, list(args))  # the socket guard refuses any call
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.startswith(start), (args, result.stderr)
        assert result.stdout == ""
