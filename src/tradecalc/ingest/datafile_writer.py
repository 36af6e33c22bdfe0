"""Rows of UN Comtrade answers -> the YAML data file that `tradecalc fetch` writes.

The document is validated by :class:`~tradecalc.scenario.datafile_model.DataFile` (the contract of
docs/scenario-format.md, "Data files") and written by PyYAML's serialiser, never by pasting
text. Each value cites the request it came from (:func:`~tradecalc.ingest.records.source_id`);
each `sources:` entry says where the rows were read: the request URL (never a key) and the
retrieval date, or a saved file's name and SHA-256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradecalc.core.errors import Problem
from tradecalc.core.sanitize import yaml_text
from tradecalc.ingest import records
from tradecalc.ingest.responses import Row
from tradecalc.scenario.datafile_model import DataFile
from tradecalc.scenario.sections import WORLD
from tradecalc.scenario.terms import iso_name

HEADER = """\
# Data file written by `tradecalc fetch` (docs/scenario-format.md, "Data files"). A scenario
# uses it with `extends: THIS-FILE.yaml`. Values are UN Comtrade's, United Nations copyright,
# for your own use: do not re-disseminate them (docs/fetch.md). Absence is not zero: a year or
# flow a reporter did not report has no entry.
"""


@dataclass
class Origin:
    """Where rows were read: a call (its URL without any key, the date) or a saved file."""

    url: str | None = None
    date: str | None = None
    api: str | None = None
    file: str | None = None
    sha256: str | None = None

    @classmethod
    def of_file(cls, name: str, data: bytes | bytearray) -> Origin:
        return cls(file=name, sha256=hashlib.sha256(data).hexdigest())


@dataclass
class Built:
    """The data file's document and the warnings (one line each) to show on stderr."""

    document: dict
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """(dotted path, message) of each warning."""
    base_year: int | None = None


def build(
    pair: tuple[str, str],
    rows: list[Row],
    origins: dict[str, Origin],
    years: list[int] | None,
    detail: str = "total",
    world: bool = False,
) -> Built:
    """The data file of ``pair`` from ``rows`` (each row's ``file`` names its origin).

    ``years``: the years asked for (None: every year the rows hold). Raises nothing; an empty
    `history:` is the caller's to refuse.
    """
    tagged = records.tag(rows)
    a, b = pair
    mine = [t for t in tagged if {t.reporter, t.partner} == {a, b} and t.level == "total"]
    if years is None:
        years = sorted({t.row.year for t in mine})
    mine = [t for t in mine if t.row.year in set(years)]
    ids = records.group_ids(mine)
    history, missing = records.history_entries(mine, pair, years, ids)
    built = Built({"schema_version": 1, "economies": _economies(pair), "history": history})
    if origins and all(o.file for o in origins.values()):  # saved files: absent, not unreported
        absent = [code for code in pair if not any(t.reporter == code for t in mine)]
        missing = [m for m in missing if m[0] not in absent]
        built.warnings += [("history", records.absent_text(code, pair)) for code in absent]
    if missing and history:
        built.warnings.append(("history", records.missing_text(missing, pair)))
    gaps = records.mirror_gaps(history, pair)
    if gaps:
        built.warnings.append(("history", records.mirror_text(gaps, pair)))
    used = [(mine, ids)]
    if aside := set_aside(tagged, pair):
        built.warnings.append(("", aside))
    world_rows = [t for t in world_totals(tagged, pair) if t.row.year in set(years)]
    if world_rows:
        world_ids = records.group_ids(world_rows)
        built.document["world_totals"] = records.product_rows(world_rows, world_ids)
        used.append((world_rows, world_ids))
    if detail != "total":
        built.base_year = base_year(history, tagged, pair, detail)
        products, parts = _products(tagged, pair, detail, built.base_year, world)
        built.document["products"] = products
        used += parts
    built.document["sources"] = _sources(used, origins)
    return built


def unused_problems(rows: list[Row], pair: tuple[str, str], detail: str, world: bool):
    """A problem for each row the data file would not use: none is dropped without a word.

    Used: the pair's totals (each reporter's trade with the other) and each side's totals
    with the world (``world_totals``); with ``detail`` hs2/hs4, that level's rows of either
    reporter with the other or the world; with ``world``, any reporter's exports to the world
    at that level. A pair reporter's rows with third partners are set aside and counted
    (:func:`set_aside`), not refused.
    """
    problems = []
    for t in records.tag(rows):
        row, where = t.row, f"{t.row.path}." if t.row.path else ""
        if t.level not in ("total", detail):
            ask = f"give --detail {t.level}" if t.level in ("hs2", "hs4") else "read hs2 or hs4"
            message = f"{t.level} row {row.product!r} where {detail} rows are read: {ask} or "
            message += "leave it out"
            problems.append(Problem(row.file, row.line, f"{where}cmdCode", message))
        elif world and t.level != "total" and t.partner == WORLD and row.flow == "X":
            continue
        elif t.reporter not in pair:
            hint = (
                " (give --world to read every reporter's exports to the world)"
                if t.level != "total" and t.partner == WORLD and row.flow == "X"
                else ""
            )
            message = f"a row of {t.reporter}, neither {pair[0]} nor {pair[1]}{hint}"
            problems.append(Problem(row.file, row.line, f"{where}reporterCode", message))
    return problems


def world_totals(tagged: list[records.Tagged], pair: tuple[str, str]) -> list[records.Tagged]:
    """Each side's total trade with the world (partner 0, product TOTAL): kept beside the
    record as context for market and supply figures, never summed into it."""
    return [t for t in tagged if t.level == "total" and t.reporter in pair and t.partner == WORLD]


def set_aside(tagged: list[records.Tagged], pair: tuple[str, str]) -> str | None:
    """One line counting, by partner, the rows of the pair's reporters with third partners
    (an answer to a call for several partners): set aside and counted, never dropped silently.

    >>> from tradecalc.ingest.responses import Row
    >>> rows = [Row(2023, 586, p, "M", "TOTAL", 1.0) for p in (31, 860, 860)]
    >>> set_aside(records.tag(rows), ("PAK", "AZE")).partition(":")[0]
    'set aside 2 rows with other partners (UZB 2)'
    """
    counts: dict[str, int] = {}
    for t in tagged:
        if t.reporter in pair and t.partner not in (*pair, WORLD):
            counts[t.partner] = counts.get(t.partner, 0) + 1
    if not counts:
        return None
    by_partner = ", ".join(
        f"{records.economy_label(code)} {n:,}" for code, n in sorted(counts.items())
    )
    total = sum(counts.values())
    return (
        f"set aside {total:,} row{'s' if total != 1 else ''} with other partners ({by_partner}): "
        f"only the trade of {pair[0]} and {pair[1]} with each other is read"
    )


def _economies(pair: tuple[str, str]) -> list[dict]:
    return [{"code": code, "name": iso_name(code) or code} for code in pair]


def base_year(history: list[dict], tagged, pair, detail: str) -> int | None:
    """The latest year both reporters' records hold (else either's, else the product rows')."""
    by_reporter = [{e["year"] for e in history if e["reporter"] == code} for code in pair]
    both = by_reporter[0] & by_reporter[1]
    if both or by_reporter[0] | by_reporter[1]:
        return max(both or (by_reporter[0] | by_reporter[1]))
    years = {t.row.year for t in tagged if t.level == detail and t.reporter in pair}
    return max(years) if years else None


def _products(tagged, pair, detail: str, year: int | None, world: bool):
    a, b = pair
    pair_rows = [
        t
        for t in tagged
        if t.level == detail
        and t.row.year == year
        and t.reporter in pair
        and t.partner in ({a, b} - {t.reporter}) | {WORLD}
    ]
    ids = records.group_ids(pair_rows)
    parts = [(pair_rows, ids)]
    products: dict = {"detail": detail, "rows": records.product_rows(pair_rows, ids)}
    if world:
        world_rows = [
            t
            for t in tagged
            if t.level == detail and t.row.year == year and t.partner == WORLD and t.row.flow == "X"
        ]
        world_ids = records.group_ids(world_rows, world_group=True)
        products["world"] = records.product_rows(world_rows, world_ids)
        parts.append((world_rows, world_ids))
    return products, parts


def _sources(parts: list[tuple[list, dict[int, str]]], origins) -> list[dict]:
    """One entry per source id, naming every call or file its rows came from."""
    seen: dict[str, list[str]] = {}
    for part, ids in parts:
        for t in part:
            labels = seen.setdefault(ids[id(t)], [])
            if t.row.file not in labels:
                labels.append(t.row.file)
    return [_source(sid, [origins[label] for label in seen[sid]]) for sid in sorted(seen)]


def _source(sid: str, found: list[Origin]) -> dict:
    entry: dict = {"id": sid, "title": records.title_of(sid)}
    calls = [o for o in found if o.url]
    files = [o for o in found if o.file]
    notes = []
    if calls:
        entry["url"] = calls[0].url
        entry["date"] = min(o.date for o in calls if o.date) if any(o.date for o in calls) else None
        more = [o.url for o in calls[1:] if o.url]
        notes.append(
            f"{calls[0].api or 'UN Comtrade API'}" + (f"; also {', '.join(more)}" if more else "")
        )
    if files:
        notes.append("read from " + ", ".join(f"{o.file} (SHA-256 {o.sha256})" for o in files))
    entry["note"] = "; ".join(notes) + ". UN Comtrade data: United Nations copyright, for own use."
    if entry.get("date") is None:
        entry.pop("date", None)
    return entry


def write_data_file(document: dict, output: Path) -> None:
    """Write the data file to ``output``, its product rows to a Parquet file beside it
    (``products.file``): the rows first, hidden, then the YAML, then the rows renamed into
    place, so a failure leaves neither a data file naming missing rows nor a stray file."""
    from tradecalc.core.safeio import write_atomically
    from tradecalc.scenario import productfile

    staged = productfile.staged_rows(document, output)
    try:
        write_atomically(output, to_yaml(document))
        if staged is not None:
            productfile.committed(staged, output)
    finally:
        if staged is not None:
            staged.unlink(missing_ok=True)


def to_yaml(document: dict) -> str:
    """The document, validated as a DataFile, as YAML text with the header comment."""
    DataFile.model_validate(document)  # the contract: a slip here is a bug, not bad input
    data = {k: v for k, v in document.items() if k != "sources"}
    options: dict[str, Any] = {"sort_keys": False, "allow_unicode": True, "width": 100}
    body = yaml_text(data, default_flow_style=None, **options)
    sources = yaml_text({"sources": document["sources"]}, default_flow_style=False, **options)
    return HEADER + body + sources
