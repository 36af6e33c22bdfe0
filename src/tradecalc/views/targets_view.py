"""Views of ``tradecalc targets``: the reference class as a table, Markdown and CSV rows."""

from __future__ import annotations

from collections.abc import Mapping

from tradecalc.analysis.documents import Targets
from tradecalc.views.render import TextTable, View, to_markdown, to_rich
from tradecalc.views.words import percent, usd

DASH = "\N{EN DASH}"  # between the two economies of a pair, as in "Pakistan-Uzbekistan"


def _pair(codes: list[str], names: Mapping[str, str]) -> str:
    """``['AZE', 'TUR']`` -> ``'Azerbaijan-Türkiye (AZE-TUR)'``, with an en dash."""
    return DASH.join(names.get(code, code) for code in codes) + f" ({_codes(codes)})"


def _codes(codes: list[str]) -> str:
    return DASH.join(codes)


def _number(value: float) -> str:
    """US$ m without a trailing ``.0``: ``15000`` -> ``'15,000'``, ``529.4`` -> ``'529.4'``."""
    return usd(value).removesuffix(".0")


def _year(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def _met(value: bool | None) -> str:
    return "open" if value is None else ("yes" if value else "no")


def _figure(value: float | None, year: int | None) -> str:
    if value is None:
        return "n/a" if year is None else f"n/a ({year})"
    return f"{_number(value)} ({_year(year)})"


def targets_view(doc: Targets) -> View:
    """Headline summary, one row per case, and each case's sources as notes."""
    s = doc["summary"]
    share_range = s["share_of_target_range"]
    headline = [
        ("Cases", str(s["cases"])),
        (
            "Met by their date",
            f"{s['met_by_deadline']} of {s['cases']} "
            f"({s.get('missed', 0)} missed, {s.get('open', 0)} still open)",
        ),
        (
            "Outcome as share of target",
            "n/a"
            if share_range is None
            else f"{percent(share_range[0])} to {percent(share_range[1])}",
        ),
        ("Fastest sustained growth", f"{percent(s['fastest_cagr'])}/yr"),
    ]
    table = TextTable(
        "Announced bilateral trade targets and outcomes, US$ m (year)",
        ["Pair", "Target", "By", "Baseline", "Outcome", "Share", "CAGR", "Met"],
        right={1, 2, 3, 4, 5, 6},
    )
    notes = []
    for case in doc["cases"]:
        table.rows.append(
            [
                _codes(case["pair"]),
                _number(case["target_usd_m"]),
                _year(case["deadline"]),
                _figure(case["baseline_usd_m"], case["baseline_year"]),
                _figure(case["outcome_usd_m"], case["outcome_year"]),
                percent(case["share_of_target"], 0),
                percent(case["cagr"], 0),
                _met(case["met"]),
            ]
        )
        cited = "; ".join(
            f"{src['url']} ({src['date']}, tier {src['tier']})" for src in case["sources"]
        )
        remarks = "".join(f" {note[:1].upper()}{note[1:].rstrip('.')}." for note in case["notes"])
        notes.append(
            f"{_pair(case['pair'], doc.names)}: stated {case['stated']}.{remarks} Sources: {cited}"
        )
    return View(
        heading="Outside view: announced trade targets and what happened",
        description=(
            "A case is met only if the target was reached by its deadline; open cases have no "
            "deadline passed yet. Share of target and growth (CAGR, baseline to outcome) are "
            "computed from the figures shown; no growth is computed from a figure reported as "
            "a lower bound."
        ),
        headline=headline,
        tables=[table],
        notes_title="Notes and sources:",
        notes=notes,
    )


def targets_table(doc: Targets):
    """A rich renderable of the view, for the terminal."""
    from rich.console import Group

    return Group(*to_rich(targets_view(doc)))


def targets_markdown(doc: Targets) -> str:
    """The view as Markdown, for reports."""
    return to_markdown(targets_view(doc))
