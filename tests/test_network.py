"""The network path against a hostile server on 127.0.0.1 (tests/hostile.py): every call ends
by a wall-clock deadline and reads at most the byte cap, after inflating; every failure is one
line, exit 1, nothing written. ``tradecalc.ingest.comtrade.BASE`` points at the server.

The hostile cases run in a subprocess that reports its peak memory (under 1 GiB) with the real
cap; the slow drips use a deadline of 2 s (``TRADECALC_HTTP_DEADLINE``) to stay fast. The
subprocess time-out only guards against a hang.
"""

from __future__ import annotations

import gzip
import zlib

import pytest
import yaml
from tests.hostile import ROW, Server, envelope, head, loopback, run_measured, zeros_gzip
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.ingest import comtrade, http

__all__ = ["loopback"]  # the fixture, used by name

runner = CliRunner()
GIB = 1 << 30
ARGS = ["fetch", "--economies", "PAK", "AZE", "--years", "2023"]


def pair_rows() -> list[list[dict]]:
    """PAK's and AZE's answers for 2023 (made up, in the real shape)."""
    aze = [ROW, {**ROW, "flowCode": "X", "primaryValue": 3000000.0}]
    pak = [
        {**r, "reporterCode": 586, "reporterISO": "PAK", "partnerCode": 31, "partnerISO": "AZE"}
        for r in aze
    ]
    return [pak, aze]


@pytest.fixture
def network(monkeypatch, tmp_path, loopback):
    """In-process fetch against a server: cache in tmp_path, no pause, no key."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    monkeypatch.setattr(comtrade, "_sleep", lambda s: None)
    monkeypatch.chdir(tmp_path)

    def serve(script):
        server = Server(script)
        monkeypatch.setattr(comtrade, "BASE", server.url)
        return server

    return serve


def answers(*bodies: bytes, **headers: str):
    """A script answering the n-th request with the n-th body."""

    def script(server, client):
        body = bodies[len(server.requests) - 1]
        client.sendall(head(Content_Length=str(len(body)), **headers) + body)

    return script


def assert_one_line_nothing_written(result, tmp_path, start: str) -> None:
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(start), result.stderr
    assert not (tmp_path / "out.yaml").exists()
    assert not list((tmp_path / "cache").rglob("*.json"))


@pytest.mark.enable_socket
def test_a_gzip_answer_is_inflated_and_read(network, tmp_path):
    bodies = [gzip.compress(envelope(rows)) for rows in pair_rows()]
    with network(answers(*bodies, Content_Encoding="gzip")) as server:
        result = runner.invoke(app, [*ARGS, "-o", "out.yaml"])
    assert result.exit_code == 0, result.stderr
    history = yaml.safe_load((tmp_path / "out.yaml").read_text())["history"]
    # made up: AZE's 2023 imports 1.0 and exports 3.0 (US$ m): total 4.0
    assert {(e["reporter"], e["total_usd_m"]) for e in history} == {("AZE", 4.0), ("PAK", 4.0)}
    assert b"accept-encoding: gzip, deflate" in server.requests[0].lower()


@pytest.mark.enable_socket
def test_a_gzip_answer_of_several_members_is_read_whole(network, tmp_path):
    def members(rows):
        text = envelope(rows)
        return gzip.compress(text[:20]) + gzip.compress(text[20:])

    with network(answers(*[members(r) for r in pair_rows()], Content_Encoding="gzip")):
        result = runner.invoke(app, ARGS)
    assert result.exit_code == 0, result.stderr


@pytest.mark.enable_socket
@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"x" * 2000, {}, "declares 2,000 bytes, more than the 1,000 bytes tradecalc reads"),
        (gzip.compress(b" " * 5000), {"Content_Encoding": "gzip"}, "inflates (gzip) to more"),
        (zlib.compress(b" " * 5000), {"Content_Encoding": "deflate"}, "inflates (deflate) to"),
        (b"\x1f\x8b" + b"garbage" * 10, {"Content_Encoding": "gzip"}, "gzip answer is damaged"),
        (gzip.compress(b"{}")[:-12], {"Content_Encoding": "gzip"}, "gzip answer is cut short"),
        (b"{}", {"Content_Encoding": "br"}, "in an encoding tradecalc does not read: br"),
    ],
    ids=["plain", "gzip", "deflate", "damaged", "cut", "brotli"],
)
def test_the_byte_cap_holds_after_inflating(network, monkeypatch, tmp_path, body, headers, message):
    monkeypatch.setattr(http, "MAX_BYTES", 1000)
    with network(answers(body, **headers)):
        result = runner.invoke(app, [*ARGS, "-o", "out.yaml"])
    assert_one_line_nothing_written(result, tmp_path, "comtrade: ")
    assert message in result.stderr


@pytest.mark.enable_socket
def test_an_answer_without_a_length_is_cut_at_the_cap(network, monkeypatch, tmp_path):
    monkeypatch.setattr(http, "MAX_BYTES", 100_000)

    def endless(server, client):  # no Content-Length: the body ends when the server closes
        client.sendall(head())
        server.pour(client, b" " * 4096, 10**9)

    with network(endless):
        result = runner.invoke(app, [*ARGS, "-o", "out.yaml"])
    assert_one_line_nothing_written(
        result, tmp_path, "comtrade: UN Comtrade's answer is larger, more than the 100,000 bytes"
    )


@pytest.mark.enable_socket
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "primaryValue",
            int("9" * 400),
            "data.0.primaryValue: a 400-digit number of US$ is more than any trade flow",
        ),
        ("refYear", "²", "data.0.refYear: expected a year such as 2023, got '²'"),
        ("cmdCode", "٢٧", "data.0.cmdCode: expected TOTAL or an HS code, got '٢٧'"),
    ],
    ids=["400-digits", "superscript-year", "arabic-indic-code"],
)
def test_a_malformed_row_from_the_network_is_one_line(network, tmp_path, field, value, message):
    bad = envelope([{**ROW, field: value}])
    with network(answers(bad)):
        result = runner.invoke(app, [*ARGS, "-o", "out.yaml"])
    assert_one_line_nothing_written(result, tmp_path, "comtrade: a malformed answer")
    assert message in result.stderr


@pytest.mark.enable_socket
def test_json_nested_100000_deep_from_the_network_is_one_line(network, tmp_path):
    deep = b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with network(answers(deep)):
        result = runner.invoke(app, [*ARGS, "-o", "out.yaml"])
    assert_one_line_nothing_written(
        result, tmp_path, "comtrade: UN Comtrade's answer is not its JSON envelope: nested"
    )


def _drip_body(server, client):
    client.sendall(head(Content_Length="100000"))
    server.drip(client, b'{"data": [' + b" " * 99990, every=0.2)


def _drip_headers(server, client):  # 2,000 bytes of headers: 400 s at this pace
    server.drip(client, head(Content_Length="2", X_Pad="x" * 2000) + b"{}", every=0.2)


def _declares_4_gb(server, client):
    client.sendall(head(Content_Length=str(4 * 10**9)))
    server.pour(client, b"\0" * 65536, 4 * 10**9)


def _too_long(server, client):
    client.sendall(head())
    server.pour(client, b" " * 65536, 10**10)


def _bomb_3_gb():
    bomb = zeros_gzip(3 * 10**9)  # made before the server answers: about 3 MB

    def script(server, client):
        client.sendall(head(Content_Length=str(len(bomb)), Content_Encoding="gzip") + bomb)

    return script


SLOW = "no complete answer from UN Comtrade within 2 s"
HOSTILE = {
    "slow-drip-body": (lambda: _drip_body, SLOW),
    "slow-drip-headers": (lambda: _drip_headers, SLOW),
    "declares-4-GB": (lambda: _declares_4_gb, "declares 4,000,000,000 bytes, more than the 200,0"),
    "endless-body": (lambda: _too_long, "is larger, more than the 200,000,000 bytes"),
    "gzip-3-GB": (_bomb_3_gb, "inflates (gzip) to more, more than the 200,000,000 bytes"),
}
"""Each case: a function making the server's script, and what the one line says."""


@pytest.mark.enable_socket
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_server_ends_in_one_line_within_bounds(case, tmp_path, loopback):
    make, message = HOSTILE[case]
    script = make()
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    if message == SLOW:  # the drips are cut at 2 s, not the 30 s a user waits at most
        env[http.DEADLINE_ENV] = "2"
    with Server(script) as server:
        prelude = f"import tradecalc.ingest.comtrade as c; c.BASE = {server.url!r}"
        result, seconds, peak = run_measured(
            [*ARGS, "-o", "out.yaml"], tmp_path, env, prelude=prelude, timeout=60
        )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("comtrade: ") and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert peak is not None and peak < GIB, f"peak {peak / 2**20:.0f} MiB"
    assert not (tmp_path / "out.yaml").exists()
    assert not list((tmp_path / "cache").rglob("*.json"))
    print(f"{case}: {seconds:.1f} s, peak {peak / 2**20:.0f} MiB")  # for the record (-s)
