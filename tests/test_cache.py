"""The cache of Comtrade answers reads its entries as carefully as saved files: a damaged entry,
a FIFO or a link to /dev/zero is a miss (fetched again, or reported missing under
``--offline``), never a crash, a wait or a memory blow-up; a link is never written through.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from tests.hostile import ROW, Server, envelope, head, loopback, run_measured
from typer.testing import CliRunner

from tradecalc.cli.commands import app
from tradecalc.ingest import comtrade

__all__ = ["loopback"]  # the fixture, used by name

runner = CliRunner()
ARGS = ["fetch", "--economies", "PAK", "AZE", "--years", "2023"]
PAK_ROWS = [  # made up, in the real shape
    {**ROW, "reporterCode": 586, "reporterISO": "PAK", "partnerCode": 31, "partnerISO": "AZE"},
    {**ROW, "reporterCode": 586, "reporterISO": "PAK", "partnerCode": 31, "partnerISO": "AZE",
     "flowCode": "X", "primaryValue": 3000000.0},
]  # fmt: skip
AZE_ROWS = [ROW, {**ROW, "flowCode": "X", "primaryValue": 3000000.0}]


def answering(server, client):
    """PAK's rows to a request for reporter 586, else AZE's."""
    body = envelope(PAK_ROWS if b"reporterCode=586" in server.requests[-1] else AZE_ROWS)
    client.sendall(head(Content_Length=str(len(body))) + body)


@pytest.fixture
def cached(monkeypatch, tmp_path, loopback):
    """A fetch through a loopback server has filled the cache; PAK's entry is returned."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    monkeypatch.setattr(comtrade, "_sleep", lambda s: None)
    monkeypatch.chdir(tmp_path)
    server = Server(answering)
    monkeypatch.setattr(comtrade, "BASE", server.url)
    with server:
        first = runner.invoke(app, ARGS)
        assert first.exit_code == 0, first.stderr
        entries = sorted((tmp_path / "cache").rglob("*.json"))
        assert len(entries) == 2
        pak = next(p for p in entries if "reporterCode=586" in json.loads(p.read_text())["query"])
        yield pak, server, first.stdout


def history(text: str) -> list:
    return yaml.safe_load(text)["history"]


def damage(entry: Path, change) -> None:
    doc = json.loads(entry.read_text())
    change(doc)
    entry.write_text(json.dumps(doc))  # NaN is written as NaN: what Python's json reads


DAMAGE = {
    "string-value": lambda d: d["rows"][0].update(value_usd="1000"),
    "nan-value": lambda d: d["rows"][0].update(value_usd=float("nan")),
    "1e308-value": lambda d: d["rows"][0].update(value_usd=1e308),
    "negative-value": lambda d: d["rows"][0].update(value_usd=-5.0),
    "numeric-product": lambda d: d["rows"][0].update(product=27),
    "list-flow": lambda d: d["rows"][0].update(flow=["M"]),
    "superscript-year": lambda d: d["rows"][0].update(year="²"),
    "extra-field": lambda d: d["rows"][0].update(note="x"),
    "date-not-a-date": lambda d: d.update(retrieved="yesterday"),
    "date-2023-02-30": lambda d: d.update(retrieved="2023-02-30"),
    "url-with-rlo": lambda d: d.update(url=d["url"] + "\u202e"),
    "url-elsewhere": lambda d: d.update(url="https://example.org/?x"),
    "rows-not-a-list": lambda d: d.update(rows={"0": 1}),
    "entry-empty": lambda d: d.clear(),
}


@pytest.mark.enable_socket
@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_a_damaged_entry_is_a_miss_offline(cached, case):
    pak, _, _ = cached
    damage(pak, DAMAGE[case])
    result = runner.invoke(app, [*ARGS, "--offline"])
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "comtrade: --offline: not in the cache (run once without --offline): "
        "reporter 586, partner 31, 2023, TOTAL\n"
    )


@pytest.mark.enable_socket
@pytest.mark.parametrize("case", ["nan-value", "url-with-rlo", "numeric-product"])
def test_a_damaged_entry_is_fetched_again_and_replaced(cached, case):
    pak, server, first = cached
    damage(pak, DAMAGE[case])
    again = runner.invoke(app, ARGS)
    assert again.exit_code == 0, again.stderr
    assert history(again.stdout) == history(first)
    assert "\u202e" not in again.stdout and "\\u202e" not in again.stdout
    assert len(server.requests) == 3  # only PAK's call went to the network again
    offline = runner.invoke(app, [*ARGS, "--offline"])  # stored whole again
    assert history(offline.stdout) == history(first)


@pytest.mark.enable_socket
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_dev_zero_as_entry_is_a_miss_at_once(cached, tmp_path, kind):
    pak, _, _ = cached
    pak.unlink()
    if kind == "fifo":
        os.mkfifo(pak)
    else:
        pak.symlink_to("/dev/zero")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "COMTRADE_API_KEY": ""}
    result, seconds, peak = run_measured([*ARGS, "--offline"], tmp_path, env, timeout=30)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("comtrade: --offline: not in the cache"), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert peak is not None and peak < 1 << 30
    print(f"{kind} entry: {seconds:.1f} s, peak {peak / 2**20:.0f} MiB")  # for the record (-s)


@pytest.mark.enable_socket
def test_a_link_in_the_cache_is_replaced_not_written_through(cached, tmp_path):
    pak, _, _ = cached
    victim = tmp_path / "victim.txt"
    victim.write_text("mine\n")
    pak.unlink()
    pak.symlink_to(victim)
    assert runner.invoke(app, ARGS).exit_code == 0
    assert victim.read_text() == "mine\n"
    assert pak.is_file() and not pak.is_symlink()
