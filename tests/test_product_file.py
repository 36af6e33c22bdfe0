"""Product rows in a Parquet file beside the data file (`products.file`): `fetch --detail -o`
writes them there, the commands that use them read them (headroom), `project` never opens the
file, and a bad file is one line per problem. The answers are the made-up fixtures of
tests/fixtures/comtrade (real shape, made-up values)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tradecalc.cli.commands import app

FIXTURES = Path(__file__).parent / "fixtures" / "comtrade"
runner = CliRunner()
ANSWERS = ["pak-aze.json", "pak-aze-hs2-2023.json"]
FETCH = ["fetch", "--economies", "PAK", "AZE", "--detail", "hs2"]
SCENARIO = """\
extends: d.yaml
name: X
base_year: 2023
horizon: 2030
target: {value_usd_m: 100, by_year: 2030}
baseline:
  flows:
    - {direction: pak_to_aze, sector: textiles, value_usd_m: 5, assumption: made up}
"""


def fetched(*extra: str):
    files = [a for f in ANSWERS for a in ("--from-file", str(FIXTURES / f))]
    return runner.invoke(app, [*FETCH, *files, *extra])


@pytest.fixture
def data_file(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    result = fetched("-o", "d.yaml")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "d.yaml"


def test_fetch_writes_the_rows_beside_the_data_file_and_headroom_reads_them(data_file):
    document = yaml.safe_load(data_file.read_text())
    assert document["products"] == {"detail": "hs2", "file": "d.products.parquet"}
    assert (data_file.parent / "d.products.parquet").is_file()
    assert not list(data_file.parent.glob(".*tmp"))
    # the same rows written in the YAML (stdout keeps them there) rank the same
    Path("inline.yaml").write_text(fetched().stdout)
    assert "rows:" in Path("inline.yaml").read_text()
    beside = runner.invoke(app, ["headroom", "d.yaml", "-f", "json"])
    inline = runner.invoke(app, ["headroom", "inline.yaml", "-f", "json"])
    assert beside.exit_code == 0, beside.stderr
    assert json.loads(beside.stdout) == json.loads(inline.stdout)
    assert runner.invoke(app, ["validate", "d.yaml"]).exit_code == 0


def test_world_rows_in_the_file_rank_as_in_the_yaml(tmp_path, monkeypatch):
    # with --world the file's world rows are read as columns, never as row objects: W_p, RCA
    # and density come out as from the same rows written in the YAML (every value equal)
    monkeypatch.chdir(tmp_path)
    world = ["--world", "--from-file", str(FIXTURES / "world-hs2-2023.json")]
    assert fetched(*world, "-o", "w.yaml").exit_code == 0
    Path("inline.yaml").write_text(fetched(*world).stdout)
    beside = runner.invoke(app, ["headroom", "w.yaml", "-f", "json"])
    inline = runner.invoke(app, ["headroom", "inline.yaml", "-f", "json"])
    assert beside.exit_code == 0, beside.stderr
    rows = json.loads(beside.stdout)["rows"]
    assert json.loads(beside.stdout) == json.loads(inline.stdout)
    assert all(r["world_usd_m"] is not None and r["rca"] is not None for r in rows)


def test_project_never_opens_the_product_file_headroom_does(data_file):
    Path("s.yaml").write_text(SCENARIO)
    assert runner.invoke(app, ["headroom", "s.yaml", "-f", "json"]).exit_code == 0
    Path("d.products.parquet").write_bytes(b"not parquet")  # damaged: only a reader sees it
    project = runner.invoke(app, ["project", "s.yaml", "-f", "json"])
    assert project.exit_code == 0, project.stderr
    headroom = runner.invoke(app, ["headroom", "s.yaml"])
    assert headroom.exit_code == 2
    last = headroom.stderr.splitlines()[-1]  # after the scenario's own warning
    assert last == "d.products.parquet: not a Parquet file (damaged, or another format)"


def rewrite(path: Path, change) -> None:
    """Rewrite the product file with ``change(frame)`` applied (pandas, through DuckDB)."""
    import duckdb

    con = duckdb.connect()
    frame = con.execute(f"SELECT * FROM read_parquet('{path}')").df()
    frame = change(frame)
    con.register("f", frame)
    con.execute(f"COPY f TO '{path}' (FORMAT parquet)")


def negative(frame):
    frame.loc[1, "value_usd_m"] = -1.0
    return frame


def twice(frame):
    import pandas as pd

    return pd.concat([frame, frame.iloc[[0]]], ignore_index=True)


def unknown_code(frame):
    frame.loc[0, "product"] = "00"
    return frame


def third_reporter(frame):
    frame.loc[0, "reporter"] = "TUR"
    return frame


def extra_column(frame):
    frame["note"] = "x"
    return frame


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (negative, "d.products.parquet:2: value_usd_m: not a value from 0 to 1e9 (US$ m)"),
        (twice, "d.products.parquet:{n}: product: the same part, year, reporter, partner, flow "
         "and product as row 1: write each value once (the two would be added)"),
        (unknown_code, "d.products.parquet:1: product: unknown HS code '00'"),
        (third_reporter, "d.products.parquet:1: reporter: not one of the file's economies "
         "(PAK, AZE): other reporters' exports go in the world rows"),
        (extra_column, "d.products.parquet: expected the columns part, year, reporter, partner, "
         "flow, product, value_usd_m, source, found part, year, reporter, partner, flow, "
         "product, value_usd_m, source, note"),
    ],
    ids=["negative", "twice", "unknown-code", "third-reporter", "extra-column"],
)  # fmt: skip
def test_a_bad_product_file_is_one_line_per_problem_exit_2(data_file, change, line):
    parquet = data_file.parent / "d.products.parquet"
    import duckdb

    rows = duckdb.connect().execute(f"SELECT count(*) FROM '{parquet}'").fetchone()[0]
    rewrite(parquet, change)
    for command in ("headroom", "validate"):
        result = runner.invoke(app, [command, "d.yaml"])
        assert result.exit_code == 2, result.stderr
        assert result.stdout == ""
        assert result.stderr == line.format(n=rows + 1) + "\n"


def test_the_file_is_a_plain_name_and_a_regular_file(data_file):
    text = data_file.read_text()
    data_file.write_text(text.replace("file: d.products.parquet", "file: ../d.products.parquet"))
    result = runner.invoke(app, ["headroom", "d.yaml"])
    assert result.exit_code == 2
    assert result.stderr.startswith("d.yaml:74: products.file: a plain file name"), result.stderr
    data_file.write_text(text)
    os.remove("d.products.parquet")
    os.mkfifo("d.products.parquet")  # a FIFO in its place: refused without blocking
    result = runner.invoke(app, ["headroom", "d.yaml"])
    assert result.stderr == "d.products.parquet: not a regular file\n"


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = fetched("-o", "missing/d.yaml")
    assert result.exit_code != 0
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.rglob("*")) == []


def test_a_deal_is_checked_against_its_market_in_the_product_file(tmp_path):
    """The made-up headroom example with its rows moved to a product file: the deal of
    tests/test_deal_markets.py ($3,600 m against AZE's $400 m pharma market) still warns."""
    from tradecalc.scenario import productfile

    examples = Path(__file__).resolve().parent.parent / "examples" / "headroom"
    document = yaml.safe_load((examples / "pak-aze-products.yaml").read_text(encoding="utf-8"))
    data = tmp_path / "p.yaml"
    staged = productfile.staged_rows(document, data)
    assert staged is not None and "rows" not in document["products"]
    data.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    productfile.committed(staged, data)
    text = (examples / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("extends: pak-aze-products.yaml", "extends: p.yaml")
    text = text.replace("value_usd_m: 30\n", "value_usd_m: 3600\n    category: goods\n")
    (tmp_path / "deal.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["project", str(tmp_path / "deal.yaml"), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert "more than AZE's whole market for it: AZE imported 400.0 US$ m of pharma" in (
        result.stderr
    )
