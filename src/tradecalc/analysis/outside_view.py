"""The outside view: announced bilateral trade targets and what became of them (methods.md 12).

The reference class ships as package data (``data/target-outcomes.yaml``). This module reads it,
recomputes each case's share of target and growth from its figures, and sums the class up for
``tradecalc targets`` and for the one line that ``project`` and ``explain`` print.

Counting rule: a case is *met* only when the file says ``met_by_deadline: true``; ``false`` is
*missed*; ``null`` (deadline not yet passed, or none set) is *open*. Open cases are not met by
their date, and the one-line text says how many of them there are.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any

DATA_FILE = "data/target-outcomes.yaml"

CASE_KEYS = (
    "pair",
    "target_usd_m",
    "stated",
    "deadline",
    "baseline_usd_m",
    "baseline_year",
    "outcome_usd_m",
    "outcome_year",
    "share_of_target",
    "cagr",
    "met",
    "sources",
)


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    import yaml

    from tradecalc.scenario.yamlread import (
        FastSafeLoader,  # libyaml when present: several times faster
    )

    text = files("tradecalc").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return yaml.load(text, Loader=FastSafeLoader)  # libyaml, safe constructors


def reference_class() -> dict[str, Any]:
    """The reference-class file as loaded (a copy: callers may change it freely)."""
    return copy.deepcopy(_document())


def economy_name(code: str) -> str:
    """The name the reference class gives an economy code; the code itself if it has none.

    >>> economy_name("UZB")
    'Uzbekistan'
    """
    return _document().get("economies", {}).get(code, code)


def share_of_target(outcome_usd_m: float | None, target_usd_m: float | None) -> float | None:
    """Outcome as a share of the target, or None when either is missing.

    >>> share_of_target(27.0, 500)  # hand-computed: 27 / 500
    0.054
    """
    if outcome_usd_m is None or not target_usd_m:
        return None
    return outcome_usd_m / target_usd_m


def cagr(
    start_usd_m: float | None,
    start_year: int | None,
    end_usd_m: float | None,
    end_year: int | None,
) -> float | None:
    """Compound annual growth from ``start`` to ``end``, or None when it cannot be computed.

    ``(end / start) ** (1 / (end_year - start_year)) - 1``; None if a figure or a year is
    missing, a value is not positive, or the years are not in order.

    >>> round(cagr(460, 2022, 529.4, 2023), 3)  # hand-computed: 529.4 / 460 - 1
    0.151
    """
    if start_usd_m is None or start_year is None or end_usd_m is None or end_year is None:
        return None
    if start_usd_m <= 0 or end_usd_m <= 0 or end_year <= start_year:
        return None
    return (end_usd_m / start_usd_m) ** (1.0 / (end_year - start_year)) - 1.0


def _case(raw: dict[str, Any]) -> dict[str, Any]:
    baseline = raw.get("baseline") or {}
    outcome = raw.get("outcome") or {}
    growth = (
        None
        if baseline.get("lower_bound")
        else cagr(
            baseline.get("value_usd_m"),
            baseline.get("year"),
            outcome.get("value_usd_m"),
            outcome.get("year"),
        )
    )
    labelled = (
        ("baseline", baseline.get("note")),
        ("outcome", outcome.get("note")),
        ("note", raw.get("note")),
        ("later", raw.get("status_later")),
    )
    notes = [f"{label}: {text}" for label, text in labelled if text]
    return {
        "pair": list(raw["pair"]),
        "target_usd_m": raw["target_usd_m"],
        "stated": raw.get("stated"),
        "deadline": raw.get("deadline"),
        "baseline_usd_m": baseline.get("value_usd_m"),
        "baseline_year": baseline.get("year"),
        "outcome_usd_m": outcome.get("value_usd_m"),
        "outcome_year": outcome.get("year"),
        "share_of_target": share_of_target(outcome.get("value_usd_m"), raw["target_usd_m"]),
        "cagr": growth,
        "met": raw.get("met_by_deadline"),
        "sources": [
            {"url": s.get("url"), "date": s.get("date"), "tier": s.get("tier")}
            for s in raw.get("sources") or []
        ],
        "levers": raw.get("levers"),
        "notes": notes,
    }


def cases() -> list[dict[str, Any]]:
    """Every case of the reference class, in the JSON shape of ``tradecalc targets``."""
    return [_case(raw) for raw in _document()["cases"]]


def summary(case_list: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Counts, the range of outcomes as a share of target, and the fastest growth.

    ``met_by_deadline`` counts the cases met by their date; ``missed`` and ``open`` (deadline
    not passed or none set) are the rest. Ranges and maxima skip cases without the figure.
    """
    found = cases() if case_list is None else list(case_list)
    shares = [c["share_of_target"] for c in found if c["share_of_target"] is not None]
    growths = [c["cagr"] for c in found if c["cagr"] is not None]
    return {
        "cases": len(found),
        "met_by_deadline": sum(1 for c in found if c["met"] is True),
        "missed": sum(1 for c in found if c["met"] is False),
        "open": sum(1 for c in found if c["met"] is None),
        "share_of_target_range": [min(shares), max(shares)] if shares else None,
        "fastest_cagr": max(growths) if growths else None,
    }


def targets_document() -> dict[str, Any]:
    """The JSON document of ``tradecalc targets``: ``{"cases", "summary"}``."""
    found = cases()
    return {"cases": found, "summary": summary(found)}


def _pct(value: float) -> str:
    return f"{100 * value:.0f}"


def outside_view_line(
    required_cagr: float | None,
    pair: Sequence[str] | None = None,
    case_list: Sequence[dict[str, Any]] | None = None,
) -> str:
    """One line setting a scenario's required growth beside the reference class.

    It gives counts, the range of outcomes and the fastest growth, and names no pair; only a
    case of the scenario's own ``pair`` (two economy codes, either order) is mentioned, as
    "this pair's earlier target". ``case_list`` defaults to the shipped reference class.

    With a positive ``required_cagr`` only the targets that needed comparable growth count
    (:func:`comparable`: within a factor :data:`COMPARABLE`), and the line says how many of
    the class those are; a target needing a few per cent a year is not told how targets needing
    85 % fared (issue 26).

    >>> outside_view_line(0.8497)  # doctest: +NORMALIZE_WHITESPACE
    'needs 85 %/yr; 1 of 6 announced targets needed comparable growth (77 %/yr; within a
    factor 2 of this one); none of 1 comparable targets was met by its date; outcomes were 40 %
    of target; the fastest sustained growth among them was 31 %/yr'
    >>> outside_view_line(0.022)  # doctest: +NORMALIZE_WHITESPACE
    'needs 2 %/yr; none of 6 announced targets needed comparable growth (those with the figures
    needed 31-77 %/yr): their record says nothing about this target'
    """
    found = cases() if case_list is None else list(case_list)
    parts = []
    if required_cagr is not None:
        needs = "no growth" if required_cagr <= 0 else f"{_pct(required_cagr)} %/yr"
        parts.append(f"needs {needs}")
    if not found:
        return "; ".join([*parts, "no comparable targets on file"])
    if required_cagr is not None and required_cagr > 0:
        near = comparable(found, required_cagr)
        parts.append(_comparable_clause(found, near))
        if not near:
            return "; ".join(parts + _own_pair_clauses(found, pair))
        found = near
    s = summary(found)
    met, total = s["met_by_deadline"], s["cases"]
    if met == 0:
        clause = f"none of {total} comparable targets was met by its date"
    elif met == 1:
        clause = f"1 of {total} comparable targets was met by its date"
    else:
        clause = f"{met} of {total} comparable targets were met by their date"
    if s["open"]:
        clause += f" ({s['open']} still open)"
    parts.append(clause)
    if s["share_of_target_range"] is not None:
        low, high = s["share_of_target_range"]
        span = _pct(low) if _pct(low) == _pct(high) else f"{_pct(low)}-{_pct(high)}"
        parts.append(f"outcomes were {span} % of target")
    if s["fastest_cagr"] is not None:
        parts.append(f"the fastest sustained growth among them was {_pct(s['fastest_cagr'])} %/yr")
    return "; ".join(parts + _own_pair_clauses(cases() if case_list is None else case_list, pair))


COMPARABLE = 2.0
"""An announced target is comparable when the growth a year it needed is within this factor of
the scenario's (85 %/yr: 43-170 %/yr)."""


def needed_growth(case: dict[str, Any]) -> float | None:
    """The growth a year a case's target needed from its baseline: ``(target / baseline) ** (1 /
    (deadline - baseline_year)) - 1``; None without the figures."""
    base, year, deadline = case["baseline_usd_m"], case["baseline_year"], case["deadline"]
    if not base or year is None or deadline is None or deadline <= year:
        return None
    return (case["target_usd_m"] / base) ** (1.0 / (deadline - year)) - 1.0


def comparable(found: Sequence[dict[str, Any]], required: float) -> list[dict[str, Any]]:
    """The cases whose needed growth lies within a factor :data:`COMPARABLE` of ``required``."""
    out = []
    for case in found:
        needed = needed_growth(case)
        if needed is not None and needed > 0 and 1 / COMPARABLE <= needed / required <= COMPARABLE:
            out.append(case)
    return out


def _comparable_clause(found: Sequence[dict[str, Any]], near: list[dict[str, Any]]) -> str:
    if near:
        rates = sorted(needed_growth(c) or 0.0 for c in near)
        span = "-".join(dict.fromkeys(_pct(r) for r in (rates[0], rates[-1])))
        return (
            f"{len(near)} of {len(found)} announced targets needed comparable growth "
            f"({span} %/yr; within a factor {COMPARABLE:g} of this one)"
        )
    rates = sorted(r for c in found if (r := needed_growth(c)) is not None)
    span = (
        f" (those with the figures needed {_pct(rates[0])}-{_pct(rates[-1])} %/yr)" if rates else ""
    )
    return (
        f"none of {len(found)} announced targets needed comparable growth{span}: their record "
        "says nothing about this target"
    )


def _own_pair_clauses(found: Sequence[dict[str, Any]], pair: Sequence[str] | None) -> list[str]:
    """ "this pair's earlier target of $500 m by 2023 reached 5 %", for a case of ``pair``."""
    if pair is None:
        return []
    own, out = {code.upper() for code in pair}, []
    for case in found:
        if set(case["pair"]) == own and case["share_of_target"] is not None:
            deadline = f" by {case['deadline']}" if case["deadline"] is not None else ""
            out.append(
                f"this pair's earlier target of ${case['target_usd_m']:,.0f} m{deadline} "
                f"reached {_pct(case['share_of_target'])} %"
            )
    return out


def scenario_outside_view(codes: Sequence[str], required: float | None) -> dict[str, Any]:
    """The reference-class summary (methods.md 12) beside a scenario's pair ``codes`` and the
    growth a year its target needs, with its one line (``text``): a projection's
    ``outside_view``."""
    return {**summary(), "text": outside_view_line(required, pair=codes)}
