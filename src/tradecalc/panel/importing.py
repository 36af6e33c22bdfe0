"""``tradecalc panel import``: files in, one new panel in the store, all or nothing.

Each input file (a tidy CSV/Parquet, or a BACI release's yearly files) becomes one
``flows-NNNN.parquet`` in a staging directory of the store; the panel's counts are read back
from them, its metadata written, and the directory renamed into place (:mod:`.store`). Any
problem in any file stops the import with every problem found in that file, and the store is
as it was.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.panel import baci, covariates, store, tidy
from tradecalc.panel.info import NOT_STATED, PanelInfo
from tradecalc.panel.query import connect, file_columns, literal

IMPORT_MEMORY = "512MB"
"""DuckDB's limit during an import: the process stays well under 1 GiB; sorts spill to disk."""


class Progress:
    """What an import reports as it goes (the CLI draws a bar); this one says nothing."""

    def start(self, total: int) -> None:
        """``total`` bytes will be read."""

    def advance(self, done: int) -> None:
        """``done`` more bytes were read."""


def import_files(
    files: list[Path],
    *,
    panel_id: str | None = None,
    title: str | None = None,
    licence: str | None = None,
    attribution: str | None = None,
    progress: Progress | None = None,
) -> tuple[PanelInfo, list[Problem]]:
    """Import ``files`` as one new panel: the panel, and warnings (one line each)."""
    progress = progress or Progress()
    missing = [Problem(str(f), None, "", "no such file") for f in files if not f.is_file()]
    if missing:
        raise ScenarioError(missing)
    is_baci = [baci.recognises(f) for f in files]
    if any(is_baci) and not all(is_baci):
        message = "a BACI release cannot be mixed with tidy files in one import"
        raise ScenarioError([Problem(str(files[is_baci.index(False)]), None, "", message)])
    source = covariates.recognise(file_columns(files[0])) if not any(is_baci) else None
    if all(is_baci):
        yearly, codes = baci.parts(files)
        meta = baci.metadata(yearly)
    elif source is not None:
        if len(files) > 1:
            message = "a covariate file is imported on its own"
            raise ScenarioError([Problem(str(files[1]), None, "", message)])
        meta = covariates.metadata(source, files[0])
    else:
        meta = _tidy_metadata(files)
    meta["id"] = panel_id or meta["id"]
    store.check_id(meta["id"], "--id" if panel_id else "FILE")
    with store.staging_folder() as work, connect(IMPORT_MEMORY) as con:
        con.execute("SET preserve_insertion_order = false")
        if all(is_baci):
            warnings = _write_baci(con, yearly, codes, work, progress)
        elif source is not None:
            columns = file_columns(files[0])
            covariates.convert(con, source, files[0], columns, work / "covariates.parquet")
            warnings = []
        else:
            warnings = _write_tidy(con, files, work, progress)
        meta.update(counts(con, work))
        meta.update({k: v for k, v in _given(title, licence, attribution).items() if v})
        return store.commit(work, meta), warnings


def _given(title, licence, attribution) -> dict:
    return {"title": title, "licence": licence, "attribution": attribution}


def _tidy_metadata(files: list[Path]) -> dict:
    first = files[0]
    slug = re.sub(r"[^a-z0-9_-]+", "-", first.stem.lower()).strip("-_")[:40] or "panel"
    return {
        "id": slug,
        "title": first.name if len(files) == 1 else f"{first.name} and {len(files) - 1} more",
        "release": NOT_STATED,
        "source_url": NOT_STATED,
        "licence": NOT_STATED,
        "attribution": NOT_STATED,
        "absence": "not-reported",
        "absence_note": "a user's file: a missing row is not reported, never zero",
        "value": "US$ million, as given",
        "product": None,
    }


def _write_baci(con, yearly, codes, work: Path, progress: Progress) -> list[Problem]:
    baci.load_codes(con, baci.country_codes(*codes))
    progress.start(sum(part.size for part in yearly))
    years: dict[int, str] = {}
    for part in yearly:
        if part.year in years:
            message = f"a second file for {part.year} (the first: {years[part.year]})"
            raise ScenarioError([Problem(part.name, None, "", message)])
        years[part.year] = part.name
    for part in sorted(yearly, key=lambda p: p.year):
        with baci.readable(part, work, progress) as source:
            baci.convert(con, part, source, work / f"flows-{part.year}.parquet")
    return []


def _write_tidy(con, files: list[Path], work: Path, progress: Progress) -> list[Problem]:
    progress.start(sum(f.stat().st_size for f in files))
    warnings, shapes = [], set()
    for number, path in enumerate(files):
        columns, found = tidy.convert(con, path, work / f"flows-{number:04d}.parquet")
        warnings += found
        shapes.add(frozenset(columns))
        progress.advance(path.stat().st_size)
    if len(shapes) > 1:
        message = "the files have different columns: import them as separate panels"
        raise ScenarioError([Problem(str(files[-1]), 1, "", message)])
    _check_across(con, files, work)
    return warnings


def _check_across(con, files: list[Path], work: Path) -> None:
    """Rows repeated across tidy files (each file was checked on its own already)."""
    if len(files) < 2:
        return
    rows = f"read_parquet({literal(str(work / 'flows-*.parquet'))}, filename = true)"
    columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rows}").fetchall()]
    key = ", ".join(c for c in tidy.KEY if c in columns)
    found = con.execute(
        f"""SELECT {key}, list(DISTINCT filename) FROM {rows} GROUP BY {key}
            HAVING count(*) > 1 LIMIT 1"""
    ).fetchone()
    if found:
        parquet = sorted(Path(f).name for f in found[-1])
        named = [str(files[int(p.removeprefix("flows-")[:4])]) for p in parquet]
        where = " ".join(str(v) for v in found[:-1])
        message = f"{where} is in {named[0]} too: one row per {key.replace(', ', '-')}"
        raise ScenarioError([Problem(named[-1], None, "", message)])


def counts(con, work: Path) -> dict:
    """Years, economies, rows and columns of the staged panel, read from its files."""
    rows = f"read_parquet({literal(str(work / '*.parquet'))}, union_by_name = true)"
    first, last, count = con.execute(
        f"SELECT min(year), max(year), count(*) FROM {rows}"
    ).fetchone()
    codes = [
        r[0]
        for r in con.execute(
            f"SELECT exporter FROM {rows} UNION SELECT importer FROM {rows} ORDER BY 1"
        ).fetchall()
    ]
    columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rows}").fetchall()]
    if not count:
        raise ScenarioError([Problem("FILE", None, "", "no rows to import")])
    return {
        "retrieved": datetime.date.today().isoformat(),
        "years": [int(first), int(last)],
        "economies": len(codes),
        "rows": int(count),
        "columns": columns,
        "codes": codes,
    }
