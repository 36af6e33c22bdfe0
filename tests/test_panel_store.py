"""The panel store: under the user data directory, imports all or nothing, removal at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tradecalc.core.errors import ScenarioError
from tradecalc.panel import catalog, importing, store

TIDY = "exporter,importer,year,value_usd_m\nPAK,UZB,2020,1.5\nUZB,PAK,2020,2.5\n"
"""A made-up tidy panel file (not real trade)."""


def test_the_store_lives_under_xdg_data_home(panel_store):
    assert store.root() == panel_store
    assert store.stored_panels() == []  # not even created until the first import


def test_an_import_appears_whole_under_its_id(tmp_path, panel_store):
    path = tmp_path / "pak-uzb.csv"
    path.write_text(TIDY, encoding="utf-8")
    info, warnings = importing.import_files([path])
    assert warnings == []
    assert info.id == "pak-uzb" and info.path == panel_store / "pak-uzb"
    assert sorted(p.name for p in panel_store.iterdir()) == ["pak-uzb"]  # no staging left
    assert sorted(p.name for p in info.path.iterdir()) == ["flows-0000.parquet", "panel.json"]
    meta = json.loads((info.path / "panel.json").read_text(encoding="utf-8"))
    assert (meta["rows"], meta["economies"], meta["years"]) == (2, 2, [2020, 2020])
    assert [p.id for p in catalog.list_panels()] == ["agtpa", "pak-uzb"]


def test_a_failed_import_leaves_the_store_as_it_was(tmp_path, panel_store, monkeypatch):
    good = tmp_path / "good.csv"
    good.write_text(TIDY, encoding="utf-8")
    importing.import_files([good])
    before = sorted(str(p.relative_to(panel_store)) for p in panel_store.rglob("*"))

    def fail(*args, **kwargs):  # the disk fills up while the metadata is being written
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "commit", fail)
    with pytest.raises(OSError):
        importing.import_files([good], panel_id="other")
    assert sorted(str(p.relative_to(panel_store)) for p in panel_store.rglob("*")) == before


def test_an_existing_id_is_refused_not_replaced(tmp_path, panel_store):
    path = tmp_path / "pak-uzb.csv"
    path.write_text(TIDY, encoding="utf-8")
    importing.import_files([path])
    with pytest.raises(ScenarioError) as caught:
        importing.import_files([path])
    assert str(caught.value) == (
        "FILE: a panel 'pak-uzb' exists already: `tradecalc panel remove pak-uzb` first"
    )
    for bad, message in [("agtpa", "exists already"), ("Big Panel", "is not a panel id")]:
        with pytest.raises(ScenarioError, match=message):
            importing.import_files([path], panel_id=bad)


def test_a_killed_import_leaves_a_hidden_folder_that_the_next_import_clears(tmp_path, panel_store):
    # a process that has exited stands for one killed mid-import (SIGKILL unwinds nothing)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    abandoned = panel_store / f".import-{gone.stdout.strip()}-0123abcd"
    (abandoned / "flows-0000.parquet").parent.mkdir(parents=True)
    (abandoned / "flows-0000.parquet").write_bytes(b"half a file")
    mine = panel_store / f".import-{os.getpid()}-0123abcd"  # a live import: kept
    mine.mkdir()
    assert store.stored_panels() == []
    path = tmp_path / "pak-uzb.csv"
    path.write_text(TIDY, encoding="utf-8")
    importing.import_files([path])
    assert sorted(p.name for p in panel_store.iterdir()) == [mine.name, "pak-uzb"]


def test_remove_takes_a_panel_out_and_refuses_agtpa_and_unknown_ids(tmp_path, panel_store):
    path = tmp_path / "pak-uzb.csv"
    path.write_text(TIDY, encoding="utf-8")
    importing.import_files([path])
    store.remove("pak-uzb")
    assert list(panel_store.iterdir()) == []
    with pytest.raises(ScenarioError, match="ID: agtpa ships with tradecalc"):
        store.remove("agtpa")
    with pytest.raises(
        ScenarioError, match=r"ID: no panel 'pak-uzb' in the store \(stored: none\)"
    ):
        store.remove("pak-uzb")


def test_an_interrupted_import_removes_its_staging_folder(tmp_path, panel_store, monkeypatch):
    from tests.panel_files import baci_zip

    from tradecalc.panel import baci

    converted = []

    def interrupted(con, part, source, target):  # Ctrl-C while the second year is converted
        if converted:
            raise KeyboardInterrupt
        converted.append(part.year)
        real(con, part, source, target)

    real = baci.convert
    monkeypatch.setattr(baci, "convert", interrupted)
    with pytest.raises(KeyboardInterrupt):
        importing.import_files([baci_zip(tmp_path)])
    assert converted == [2022]
    assert list(panel_store.iterdir()) == []


def test_an_import_reports_its_progress_in_bytes(tmp_path, panel_store):
    from tests.panel_files import YEARS, baci_zip

    class Recorded(importing.Progress):
        total, done = 0, 0

        def start(self, total):
            self.total = total

        def advance(self, done):
            self.done += done

    recorded = Recorded()
    importing.import_files([baci_zip(tmp_path)], progress=recorded)
    size = sum(len(text.encode()) for text in YEARS.values())  # the yearly files, unpacked
    assert recorded.total == recorded.done == size
