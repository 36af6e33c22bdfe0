"""Which panels exist and which one a command uses: the shipped AGTPA panel, the store, a FILE."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradecalc.core.errors import ScenarioError
from tradecalc.panel import catalog

AGTPA_LABEL = "AGTPA panel: manufacturing trade of 69 economies, 1986\N{EN DASH}2006, CC BY 4.0"
"""The line issue 25 asks every output using the shipped panel to print."""


def stored_panel(store: Path, panel_id: str, codes: tuple[str, ...], years=(2000, 2001)) -> Path:
    """A made-up panel written straight into the store (one flow a year between the codes)."""
    import duckdb

    folder = store / panel_id
    folder.mkdir(parents=True)
    rows = [
        (a, b, y, 1.0)
        for a in codes
        for b in codes
        if a != b
        for y in range(years[0], years[1] + 1)
    ]
    values = ", ".join(f"('{a}', '{b}', {y}, {v})" for a, b, y, v in rows)
    duckdb.sql(
        f"COPY (SELECT * FROM (VALUES {values}) t(exporter, importer, year, value_usd_m)) "
        f"TO '{folder / 'flows.parquet'}' (FORMAT parquet)"
    )
    meta = {
        "id": panel_id,
        "title": f"made-up panel {panel_id}",
        "licence": "not stated",
        "attribution": "not stated",
        "absence": "not-reported",
        "years": list(years),
        "economies": len(codes),
        "rows": len(rows),
        "columns": ["exporter", "importer", "year", "value_usd_m"],
        "codes": sorted(codes),
    }
    (folder / "panel.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def test_a_fresh_install_lists_the_shipped_agtpa_panel(panel_store):
    [agtpa] = catalog.list_panels()
    assert agtpa.id == "agtpa" and agtpa.shipped
    assert agtpa.licence == "CC BY 4.0"
    assert agtpa.label == AGTPA_LABEL
    # the Advanced Guide's panel: 69 economies, every ordered pair (domestic included) in each of
    # the 21 years 1986-2006: 69 * 69 * 21 = 99,981 rows
    assert (agtpa.years, agtpa.economies, agtpa.rows) == ((1986, 2006), 69, 99_981)
    assert agtpa.absence == "complete"
    assert {"exporter", "importer", "year", "value_usd_m", "dist", "rta"} <= set(agtpa.columns)
    assert "ROU" in agtpa.codes and "ROM" not in agtpa.codes
    assert "Yotov" in agtpa.attribution


def test_no_panel_named_resolves_to_agtpa_unless_the_store_holds_the_pair(panel_store):
    assert catalog.resolve(None, economies=("TUR", "IRN")).id == "agtpa"
    stored_panel(panel_store, "mine", ("PAK", "UZB"))
    assert catalog.resolve(None, economies=("PAK", "UZB")).id == "mine"
    assert catalog.resolve(None, economies=("PAK", "UZB"), years=(2000, 2001)).id == "mine"
    # the store's panel does not cover 1999 nor TUR: the shipped one is the fallback
    assert catalog.resolve(None, economies=("PAK", "UZB"), years=(1999, 2001)).id == "agtpa"
    assert catalog.resolve(None, economies=("TUR", "IRN")).id == "agtpa"
    assert [p.id for p in catalog.list_panels()] == ["agtpa", "mine"]


def test_an_id_names_a_panel_and_an_unknown_one_is_one_line(panel_store):
    assert catalog.resolve("agtpa").id == "agtpa"
    with pytest.raises(ScenarioError) as caught:
        catalog.resolve("baci")
    assert str(caught.value) == (
        "--panel: no panel 'baci' (panels: agtpa; or a .csv/.parquet FILE)"
    )


def test_a_damaged_or_unfinished_store_entry_is_not_listed(panel_store):
    stored_panel(panel_store, "good", ("PAK", "UZB"))
    (panel_store / "broken").mkdir()
    (panel_store / "broken" / "panel.json").write_text("{not json", encoding="utf-8")
    (panel_store / ".import-tmp").mkdir()
    assert [p.id for p in catalog.list_panels()] == ["agtpa", "good"]


def test_a_file_in_the_panels_columns_is_a_panel(tmp_path, panel_store):
    path = tmp_path / "my flows.csv"
    path.write_text(
        "exporter,importer,year,value_usd_m\nROM,DEU,1999,2.5\nDEU,ROU,2000,1.5\n", encoding="utf-8"
    )
    info = catalog.resolve(str(path))
    assert (info.id, info.title, info.licence, info.absence) == (
        "my flows",
        "my flows.csv",
        "not stated",
        "not-reported",
    )
    assert info.label == "my flows.csv, licence not stated"
    # ROM (Romania before 2002) is read as ROU: two economies, not three
    assert (info.years, info.rows, info.economies, info.codes) == (
        (1999, 2000),
        2,
        2,
        ("DEU", "ROU"),
    )


MISSING = "missing: a panel file has exporter, importer, year, value_usd_m"


@pytest.mark.parametrize(
    ("name", "text", "lines"),
    [
        (
            "f.csv",
            "exporter,importer,value\nPAK,UZB,1\n",
            [
                f"f.csv:1: year: {MISSING}",
                f"f.csv:1: value_usd_m: {MISSING}",
                "f.csv:1: value: not a panel column (docs/panel.md lists them)",
            ],
        ),
        (
            "f.csv",
            "exporter,importer,year,value_usd_m\nPAK,UZB,2020,1\nPAK,UZB,2021,-2\n",
            ["f.csv:3: value_usd_m: negative: -2"],
        ),
        ("f.txt", "x", ["f.txt: a panel file ends in .csv or .parquet"]),
        ("absent.csv", None, ["absent.csv: no such file"]),
    ],
)
def test_a_bad_file_is_one_line_per_problem(tmp_path, monkeypatch, panel_store, name, text, lines):
    monkeypatch.chdir(tmp_path)
    if text is not None:
        Path(name).write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        catalog.resolve(name)
    assert str(caught.value).splitlines() == lines


def test_a_file_that_is_not_parquet_is_one_line(tmp_path, monkeypatch, panel_store):
    monkeypatch.chdir(tmp_path)
    Path("f.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        catalog.resolve("f.parquet")
    assert str(caught.value).startswith("f.parquet: not a Parquet file: ")
    assert len(str(caught.value).splitlines()) == 1


def test_a_mistyped_id_is_an_unknown_panel_not_a_file(panel_store):
    with pytest.raises(ScenarioError) as caught:
        catalog.resolve("AGTPA")
    assert str(caught.value) == "--panel: no panel 'AGTPA' (panels: agtpa; or a .csv/.parquet FILE)"
