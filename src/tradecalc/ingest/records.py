"""Comtrade rows -> a data file's parts: `history:` per reporter and year, `products:` rows,
the `sources:` they cite, what is missing, and the mirror check.

**Absence is not zero.** A reporter's year gets a `history:` entry only when it reported both
flows with the partner (imports, CIF, and exports, FOB): the total is their sum, never one flow
alone, and a flow not reported is listed by :func:`missing_text`, never written as 0.

**Mirror check.** The same trade is recorded twice: as the importer's imports (CIF, with freight
and insurance) and as the exporter's exports (FOB). CIF/FOB explains an import figure about 10 %
above the export figure: the IMF's Direction of Trade Statistics uses CIF = 1.10 x FOB by
convention where no better estimate exists. :data:`MIRROR_THRESHOLD` (25 %, so that freight to a
landlocked or distant partner fits too) flags the gaps beyond that as recording differences
(timing, re-exports, country of origin against country of consignment, confidential lines).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tradecalc.ingest.codes import comtrade_code
from tradecalc.ingest.responses import Row, economy_of
from tradecalc.scenario.sections import WORLD
from tradecalc.scenario.terms import CODE_PATTERN, direction_name, iso_name

MIRROR_THRESHOLD = 0.25
"""A mirror gap (importer's CIF over exporter's FOB) beyond a factor 1.25 either way is flagged."""

LEVELS = {2: "hs2", 4: "hs4", 6: "hs6"}
"""The detail of an HS code by its number of digits (a TOTAL row is detail ``total``)."""


@dataclass(frozen=True)
class Tagged:
    """A row with the ISO3 codes of its reporter and partner (``WLD`` for the world)."""

    row: Row
    reporter: str
    partner: str

    @property
    def level(self) -> str:
        product = self.row.product
        return "total" if product == "TOTAL" else LEVELS.get(len(product), "hs")


def tag(rows: Iterable[Row]) -> list[Tagged]:
    """Each row with its reporter's and partner's codes; rows whose codes are unknown are kept
    under a ``C<number>`` code (groups such as 490 Other Asia, nes)."""

    def code(number: int, iso: str | None) -> str:
        if number == 0:
            return WORLD
        found = economy_of(number, iso)
        if found is None and iso and re.match(CODE_PATTERN, iso):
            return iso
        return found or f"C{number}"

    return [
        Tagged(r, code(r.reporter, r.reporter_iso), code(r.partner, r.partner_iso)) for r in rows
    ]


def source_id(reporter: str, partner: str, level: str, years: Iterable[int]) -> str:
    """The id of a request: reporter, partner, product level and years, never a file's name.

    >>> source_id("AZE", "PAK", "total", [2019, 2023, 2021])
    'comtrade_aze_pak_total_2019_2023'
    >>> source_id("ALL", "WLD", "hs2", [2023])
    'comtrade_all_wld_hs2_2023'
    """
    years = sorted(set(years))
    span = f"{years[0]}" if years[0] == years[-1] else f"{years[0]}_{years[-1]}"
    return f"comtrade_{reporter}_{partner}_{level}_{span}".lower()


def group_ids(tagged: list[Tagged], world_group: bool = False) -> dict[int, str]:
    """The source id of each row (by ``id()``), grouped by reporter, partner and level."""
    groups: dict[tuple, list[Tagged]] = defaultdict(list)
    for t in tagged:
        reporter = "ALL" if world_group else t.reporter
        groups[(reporter, t.partner, t.level)].append(t)
    ids = {}
    for (reporter, partner, level), members in groups.items():
        sid = source_id(reporter, partner, level, (t.row.year for t in members))
        ids.update({id(t): sid for t in members})
    return ids


def history_entries(
    tagged: list[Tagged], pair: tuple[str, str], years: Iterable[int], ids: dict[int, str]
) -> tuple[list[dict], list[tuple[str, int, tuple[str, ...]]]]:
    """`history:` entries of both reporters, and what is missing as (reporter, year, flows)."""
    a, b = pair
    found = {(t.reporter, t.row.year, t.row.flow): t for t in tagged if t.level == "total"}
    entries, missing = [], []
    for reporter, other in ((a, b), (b, a)):
        for year in sorted(set(years)):
            m, x = (found.get((reporter, year, flow)) for flow in ("M", "X"))
            if m is None or x is None:
                missing.append((reporter, year, tuple(f for f, t in (("M", m), ("X", x)) if t)))
                continue
            entries.append(_entry(reporter, other, pair, year, m, x, ids[id(m)]))
    return entries, missing


def _entry(reporter: str, other: str, pair, year: int, m: Tagged, x: Tagged, sid: str) -> dict:
    imports, exports = m.row.value_usd, x.row.value_usd
    by_direction = {
        direction_name(other, reporter): imports / 1e6,
        direction_name(reporter, other): exports / 1e6,
    }
    order = [direction_name(*pair), direction_name(*reversed(pair))]
    entry = {
        "year": year,
        "reporter": reporter,
        "period": "calendar",
        "total_usd_m": (imports + exports) / 1e6,
        "by_direction": {d: by_direction[d] for d in order},
    }
    flags = [(m.row.is_reported, x.row.is_reported), (m.row.is_aggregate, x.row.is_aggregate)]
    if None not in flags[0]:
        entry["is_reported"] = all(flags[0])
    if None not in flags[1]:
        entry["is_aggregate"] = any(flags[1])
    entry["source"] = sid
    return entry


def missing_text(missing: list[tuple[str, int, tuple[str, ...]]], pair: tuple[str, str]) -> str:
    """One line listing the reporter-years without an entry (runs of years joined), and which
    flow each lacks.

    >>> gone = [("AZE", 2021, ("M",)), ("PAK", 2000, ()), ("PAK", 2001, ())]
    >>> missing_text(gone, ("PAK", "AZE")).partition(": ")[2]
    'AZE 2021 (no exports to PAK); PAK 2000-2001 (neither flow)'
    """
    runs: list[list] = []  # [reporter, first, last, lack]
    for reporter, year, present in missing:
        other = pair[1] if reporter == pair[0] else pair[0]
        if not present:
            lack = "neither flow"
        elif present == ("M",):
            lack = f"no exports to {other}"
        else:
            lack = f"no imports from {other}"
        last = runs[-1] if runs else None
        if last is not None and last[0] == reporter and last[3] == lack and last[2] == year - 1:
            last[2] = year
        else:
            runs.append([reporter, year, year, lack])
    words = [f"{r} {a}" + (f"-{b}" if b != a else "") + f" ({lack})" for r, a, b, lack in runs]
    return "not reported, so no history entry (absence is not zero): " + "; ".join(words)


def absent_text(code: str, pair: tuple[str, str]) -> str:
    """One line for a reporter with no row with the other in the saved files: not in the
    given file(s), which is not the same as not reported.

    >>> absent_text("UZB", ("PAK", "UZB"))[:58]
    "UZB's own figures are not in the given file(s), so PAK's a"
    """
    other = pair[1] if code == pair[0] else pair[0]
    return (
        f"{code}'s own figures are not in the given file(s), so {other}'s alone make the "
        f"history: add an answer with reporterCode={comtrade_code(code)}&"
        f"partnerCode={comtrade_code(other)} for the mirror"
    )


def economy_label(code: str) -> str:
    """An economy code as a message names it: the world is ``World (0)``, Comtrade's partner
    code, never the data file's ``WLD``.

    >>> economy_label("WLD"), economy_label("PAK")
    ('World (0)', 'PAK')
    """
    return "World (0)" if code == WORLD else code


def mirror_gaps(entries: list[dict], pair: tuple[str, str]) -> list[tuple[str, int, float, float]]:
    """(direction, year, importer's CIF, exporter's FOB) where the gap exceeds the threshold."""
    by = {(e["reporter"], e["year"]): e["by_direction"] for e in entries}
    gaps = []
    for exporter, importer in (pair, tuple(reversed(pair))):
        direction = direction_name(exporter, importer)
        years = sorted({y for r, y in by if r == importer} & {y for r, y in by if r == exporter})
        for year in years:
            cif, fob = by[(importer, year)][direction], by[(exporter, year)][direction]
            if _beyond(cif, fob):
                gaps.append((direction, year, cif, fob))
    return gaps


def _beyond(cif: float, fob: float) -> bool:
    if cif == fob:
        return False
    if min(cif, fob) <= 0:
        return True
    return abs(math.log(cif / fob)) > math.log(1 + MIRROR_THRESHOLD)


def mirror_text(gaps: list[tuple[str, int, float, float]], pair: tuple[str, str]) -> str:
    """One line with every flagged mirror gap."""
    parts = []
    for direction, year, cif, fob in gaps:
        exporter, _, importer = direction.partition("_to_")
        parts.append(
            f"{direction} {year}: {importer.upper()} imports {cif:,.1f}, "
            f"{exporter.upper()} exports {fob:,.1f}"
        )
    return (
        f"mirror gap beyond {MIRROR_THRESHOLD * 100:.0f} % (CIF/FOB explains about 10 %: "
        f"a recording difference, US$ m): " + "; ".join(parts)
    )


def product_rows(tagged: list[Tagged], ids: dict[int, str]) -> list[dict]:
    """`products:` rows (the ProductRow shape), sorted by reporter, partner, flow, product."""
    rows = [
        {
            "year": t.row.year,
            "reporter": t.reporter,
            "partner": t.partner,
            "flow": t.row.flow,
            "product": t.row.product,
            "value_usd_m": t.row.value_usd / 1e6,
            "source": ids[id(t)],
        }
        for t in tagged
    ]
    return sorted(
        rows, key=lambda r: (r["year"], r["reporter"], r["partner"], r["flow"], r["product"])
    )


def title_of(source: str) -> str:
    """A readable title of a source id made by :func:`source_id`.

    >>> title_of("comtrade_aze_pak_total_2019_2023")
    'UN Comtrade: Azerbaijan, reported trade with Pakistan, 2019-2023, all products (TOTAL)'
    """
    _, reporter, partner, level, *span = source.split("_")
    who = {"all": "every reporter", "wld": "the world"}

    def name(code: str) -> str:
        return who.get(code) or iso_name(code.upper()) or code.upper()

    what = {"total": "all products (TOTAL)", "hs2": "by HS chapter", "hs4": "by HS heading"}
    years = "-".join(span)
    return f"UN Comtrade: {name(reporter)}, reported trade with {name(partner)}, {years}, " + (
        what.get(level, level)
    )
