"""A scenario's record (its observed history) as rows: oldest first, each labelled, and the two
reporters' calendar figures side by side (mirror statistics). Reads only a Scenario."""

from __future__ import annotations

from typing import Any

from tradecalc.scenario.models import Scenario


def history_rows(s: Scenario) -> list[dict[str, Any]]:
    """The record of a scenario (observed values), oldest first; needs no projection."""
    return [
        {
            "year": h.year,
            "reporter": h.reporter,
            "period": h.period,
            "months": h.months,
            "total_usd_m": h.total_usd_m,
            "by_direction_usd_m": dict(h.by_direction or {}),
            "mirror": h.reporter != s.reporter,
            "label": observed_label(s, h),
            "source": h.source,
            "assumption": h.assumption,
        }
        for h in sorted(s.history, key=lambda h: (h.year, h.reporter != s.reporter, h.period))
    ]


def mirror_rows(s: Scenario) -> list[dict[str, Any]]:
    """Each year both reporters' calendar records hold, side by side: the baseline's, the mirror's.

    ``gap`` is the baseline reporter's total over the other's, minus one; by direction, the
    importer's figure (CIF) over the exporter's (FOB), minus one, where both give it. Only
    calendar years are paired: a fiscal year or a partial period measures something else.
    """
    own, other = s.reporter, next((c for c in s.codes if c != s.reporter), s.reporter)
    calendar = {(h.year, h.reporter): h for h in s.history if h.period == "calendar"}
    years = sorted({y for y, r in calendar if r == own} & {y for y, r in calendar if r == other})
    rows = []
    for year in years:
        mine, theirs = calendar[year, own], calendar[year, other]
        rows.append(
            {
                "year": year,
                "reporter": own,
                "mirror_reporter": other,
                "total_usd_m": mine.total_usd_m,
                "mirror_total_usd_m": theirs.total_usd_m,
                "gap": _ratio_gap(mine.total_usd_m, theirs.total_usd_m),
                "by_direction": {d: _direction_pair(s, d, mine, theirs) for d in s.directions},
            }
        )
    return rows


def _direction_pair(s: Scenario, direction: str, mine, theirs) -> dict[str, float | None]:
    """One direction as its importer and its exporter report it, and the CIF/FOB gap."""
    importer = direction.split("_to_")[1].upper()
    by_importer, by_exporter = (mine, theirs) if importer == s.reporter else (theirs, mine)
    imports = (by_importer.by_direction or {}).get(direction)
    exports = (by_exporter.by_direction or {}).get(direction)
    return {
        "importer_usd_m": imports,
        "exporter_usd_m": exports,
        "gap": _ratio_gap(imports, exports),
    }


def _ratio_gap(value: float | None, reference: float | None) -> float | None:
    """``value / reference - 1``; None where either is missing or the reference is 0."""
    if value is None or not reference:
        return None
    return value / reference - 1.0


def baseline_reporter_reason(s: Scenario) -> str:
    """Why the baseline follows its reporter's statistics, in a few words."""
    if s.baseline.reporter is not None:
        return "set in baseline.reporter"
    return "the first economy, by default (baseline.reporter not set)"


def baseline_words(s: Scenario) -> str:
    """``"baseline as reported by AZE"``; where the reporter's own base-year entry is one that
    Comtrade marks not reported by the country (a UNSD aggregate or an estimate), the words say
    so, as the record row does: ``"baseline from USA's record (UNSD aggregate, not as
    reported)"``."""
    entry = next(
        (
            h
            for h in s.history
            if h.reporter == s.reporter and h.year == s.base_year and h.period == "calendar"
        ),
        None,
    )
    if entry is None or getattr(entry, "is_reported", None) is not False:
        return f"baseline as reported by {s.reporter}"
    aggregate = "UNSD aggregate, " if getattr(entry, "is_aggregate", None) else ""
    return f"baseline from {s.reporter}'s record ({aggregate}not as reported)"


def observed_label(s: Scenario, h) -> str:
    """``"observed (AZE customs)"``, ``"mirror (PAK, FY Jul-Jun)"``, ...; an entry Comtrade
    marks not reported by the country (``is_reported: false``) is not called customs:
    ``"observed (PAK, UNSD aggregate, not as reported)"`` or ``"... (PAK, not as reported)"``.
    """
    kind = "observed" if h.reporter == s.reporter else "mirror"
    period = {
        "calendar": " customs",
        "fy_jul_jun": ", FY Jul-Jun",
        "partial": f", {h.months} months",
    }
    if getattr(h, "is_reported", None) is False:
        aggregate = ", UNSD aggregate" if getattr(h, "is_aggregate", None) else ""
        where = "" if h.period == "calendar" else period[h.period]
        return f"{kind} ({h.reporter}{where}{aggregate}, not as reported)"
    return f"{kind} ({h.reporter}{period[h.period]})"


PERIOD_WORDS = {"calendar": "calendar year", "fy_jul_jun": "fiscal year Jul-Jun"}
"""How the other reporter's period is named: a fiscal year says so."""


def other_reporter(s: Scenario) -> dict[str, Any] | None:
    """The other side's statistics (JSON ``target.other_reporter``): its latest whole-year
    entry before the deadline (calendar or fiscal; a partial period is not a year), and the
    growth a year its figure needs to reach the target by the deadline; None without one.

    ``period_text`` names the period: ``"2023"`` or ``"FY Jul 2023-Jun 2024"`` (a fiscal year
    is labelled by the year it ends).
    """
    from tradecalc.model import required_cagr

    other = next((c for c in s.codes if c != s.reporter), None)
    entries = [
        h
        for h in s.history
        if h.reporter == other and h.period in PERIOD_WORDS and h.year < s.by_year
    ]
    if not entries:
        return None
    h = max(entries, key=lambda h: (h.year, h.period == "calendar"))
    growth = float(required_cagr(s.target.value_usd_m, h.total_usd_m, s.by_year - h.year))
    fiscal = h.period == "fy_jul_jun"
    return {
        "reporter": h.reporter,
        "year": h.year,
        "period": h.period,
        "period_text": f"FY Jul {h.year - 1}-Jun {h.year}" if fiscal else str(h.year),
        "measure_usd_m": h.total_usd_m,
        "required_growth": None if growth != growth else growth,  # NaN: a figure of 0
        "source": h.source,
    }
