"""`tradecalc report`: one self-contained HTML brief (inline CSS and SVG charts, no network).

The page gives, for each scenario, the verdict, the odds, the outside view, the chart, the
years, the levers, the assumptions and the sources. It reads on a phone (one column, tables
that scroll sideways) and prints on A4 (print CSS: smaller type, charts kept whole). Every
text from a scenario is escaped; the only links are the sources' own http(s) addresses.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from tradecalc.analysis.brief import Brief
from tradecalc.analysis.projection import Projection
from tradecalc.core.about import version
from tradecalc.core.errors import install_hint
from tradecalc.core.numbers import probability_text
from tradecalc.views.briefing import brief_odds_text, outside_text
from tradecalc.views.explain_view import lever_label, lever_source
from tradecalc.views.project_view import (
    growth_text,
    no_odds_text,
    verdict,
)
from tradecalc.views.words import cited, overrides_text, percent, unverified_ids, usd

CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --ok: #009E73; --late: #E69F00;
        --miss: #D55E00; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 .4rem; line-height: 1.2; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.kicker, .muted, figcaption, footer { color: var(--muted); font-size: .875em; }
.verdict { border-left: .5rem solid var(--miss); background: #f6f6f6; padding: .6rem .9rem;
           margin: .8rem 0; }
.verdict.ok { border-color: var(--ok); } .verdict.late { border-color: var(--late); }
.verdict .big { font-size: 1.3rem; font-weight: 700; margin: 0 0 .3rem; }
.verdict dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem;
              margin: 0; }
.verdict dt { font-weight: 600; } .verdict dd { margin: 0; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { width: 100%; min-width: 34rem; height: auto; display: block; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: .9rem; width: 100%; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid var(--rule); text-align: left;
         vertical-align: top; }
th { background: #f0f0f0; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums;
         white-space: nowrap; }
tr.deadline td { font-weight: 700; background: #fff8e6; }
ol.assumptions { font-size: .85rem; padding-left: 1.4rem; } ol.assumptions li { margin: .2rem 0; }
.print-only { display: none; }
code { font-size: .85em; }
@media (max-width: 40rem) {
  body { font-size: 15px; } main { padding: .6rem; } h1 { font-size: 1.3rem; }
  .verdict dl { grid-template-columns: 1fr; } .verdict dt { margin-top: .3rem; }
}
@page { size: A4; margin: 10mm 12mm; }
@media print {
  body { font-size: 9pt; line-height: 1.3; } main { max-width: none; padding: 0; }
  h1 { font-size: 15pt; } h2 { font-size: 11pt; margin: .6rem 0 .25rem; }
  h3 { font-size: 10pt; margin: .6rem 0 .2rem; }
  table { font-size: 7pt; } th, td { padding: 0 .3rem; }
  figure { break-inside: avoid; margin: .3rem 0; overflow: visible; }
  figure svg { max-height: 75mm; min-width: 0; }
  .printed-chart figure svg { width: auto; max-width: 100%; max-height: 95mm; }
  .verdict { break-inside: avoid; background: none; padding: .3rem .6rem; }
  .verdict dl { gap: 0 .8rem; line-height: 1.2; }
  ol.assumptions { font-size: 6.5pt; line-height: 1.2; columns: 2; column-gap: 6mm; }
  ol.assumptions li { margin: 0 0 .1rem; }
  ol.assumptions .clamp { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
    overflow: hidden; }
  .screen-only { display: none; } .print-only { display: block; }
  section.sources { font-size: 6pt; } section.sources ol { columns: 4; column-gap: 4mm; }
  footer { font-size: 7pt; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
}
"""

NO_MATPLOTLIB = (
    f"No chart: drawing it needs matplotlib ({install_hint('matplotlib', 'plot')}); "
    "the tables below give every number."
)


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _svg(picture: bytes) -> str:
    """An SVG file's text, ready to inline: no XML prolog, doctype or metadata block."""
    text = picture.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S).strip()


def _chart(draw) -> str:
    if importlib.util.find_spec("matplotlib") is None:
        return f'<p class="muted">{_e(NO_MATPLOTLIB)}</p>'
    return _svg(draw(Path("chart.svg")))


def _span(p: Projection) -> bool:
    """Log scale when the values span more than 30 times (27 to 2,000 both readable)."""
    values = [v for v in [*p.measure, p.scenario.target.value_usd_m] if v > 0]
    return bool(values) and max(values) / min(values) >= 30


def _verdict_class(p: Projection) -> str:
    if p.reached_year is None:
        return "miss"
    return "ok" if p.reached_year <= p.scenario.by_year else "late"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int], marks=()):
    head = "".join(
        f'<th scope="col"{" class=n" if i in numeric else ""}>{_e(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = []
    for r, row in enumerate(rows):
        cells = "".join(
            f"<td{' class=n' if i in numeric else ''}>{_e(c)}</td>" for i, c in enumerate(row)
        )
        body.append(f"<tr{' class=deadline' if r in marks else ''}>{cells}</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _chance(odds: Mapping[str, Any] | None) -> str:
    """P(target by the deadline) with its error, a bound, or n/a without odds."""
    if not odds:
        return "n/a"
    keys = ("probability_by_year", "probability_se", "probability_below")
    return probability_text(*(odds.get(k) for k in keys))


def _facts(p: Projection, doc: Mapping[str, Any]) -> str:
    s = p.scenario
    items = [
        ("Target", f"{usd(s.target.value_usd_m)} US$ m a year by {s.by_year}"),
        ("Measure", p.counts_text),
        (
            "In " + str(s.by_year),
            f"{usd(p.measure_at_by_year)} US$ m on the central path, "
            f"{percent(p.measure_at_by_year / s.target.value_usd_m, 0)} of the target",
        ),
        ("Growth needed", growth_text(p)),
        (
            "Odds",
            brief_odds_text(doc.get("odds"), s.by_year) or no_odds_text(p),
        ),
    ]
    rate = _base_rate_brief(p.outside_view.get("base_rate"))
    if rate:
        items.append(("Base rate", rate))
    outside = outside_text(doc.get("outside_view"))
    if outside:
        items.append(("Outside view", outside))
    # the brief has room for the fact, not the advice: the header and workbook give both
    if p.normal_level is not None:
        items.append((p.normal_level["label"], p.normal_level["fact"]))
    if p.overrides:
        items.append(("Changed by --set", overrides_text(p.overrides)))
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    late = verdict(p)
    return (
        f'<div class="verdict {_verdict_class(p)}"><p class="big">Verdict: {_e(late)}</p>'
        f"<dl>{rows}</dl></div>"
    )


def _base_rate_brief(doc: Mapping[str, Any] | None) -> str:
    """The panel's base rate in the brief's few words (the header's line names the band)."""
    if not doc or not doc["windows"]:
        return ""
    from tradecalc.views.baserate_view import rate_text, times

    panel = doc["panel"]
    first, last = panel["years"]
    return (
        f"{rate_text(doc['rate'])} of {doc['windows']:,} windows of pairs this size reached "
        f"{times(doc['multiple'])} in {doc['horizon']} years ({panel['id']}, {first}-{last})"
    )


def _scenario(
    p: Projection,
    doc: Mapping[str, Any],
    headroom: dict[str, Any] | None,
    log: bool | None,
    level: int,
) -> str:
    """One scenario's section: the verdict, the chart, the years, the levers, the assumptions.

    ``level`` is the section heading's; at 1 the page title names the scenario instead.
    """
    s = p.scenario
    h = f"h{level}"
    sub = f"h{level + 1}" if level > 1 else "h2"
    parts = ['<section class="scenario">']
    if level > 1:
        parts.append(f"<{h}>{_e(s.name)}</{h}>")
    if s.description:
        parts.append(f'<p class="muted">{_e(s.description)}</p>')
    parts.append(_facts(p, doc))
    parts.append(_projection_figure(p, doc, _span(p) if log is None else log))
    parts.append(f"<{sub}>Year by year, US$ m</{sub}>")
    parts.append(_year_table(p, doc))
    parts.append(f"<{sub}>What each lever adds, US$ m</{sub}>")
    parts.append(_lever_table(p))
    from tradecalc.views.report_headroom import headroom_section

    parts += headroom_section(p, headroom, sub, _table)
    parts += _assumptions(doc, sub)
    parts.append("</section>")
    return "\n".join(parts)


def _figure(chart: str, caption: str) -> str:
    return f"<figure>{chart}<figcaption>{_e(caption)}</figcaption></figure>"


def _projection_figure(p: Projection, doc: Mapping[str, Any], log: bool) -> str:
    """The projection chart, inline, with a caption that names its scale."""
    from tradecalc.views.charts.projection import projection_chart

    chart = _chart(lambda path: projection_chart(p, path, log=log, document=doc))
    scale = "; log scale." if log else "."
    caption = (
        "The measure with the P10-P90 band of the odds, the record, the target and the "
        "deadline; below, on their own scales, what each counted lever adds and the trade not "
        "counted" + scale
    )
    if importlib.util.find_spec("matplotlib") is None:
        return _figure(chart, caption)
    printed = _chart(lambda path: projection_chart(p, path, log=log, document=doc, bare=True))
    printed_caption = (
        "The measure with the P10-P90 band of the odds, the record and the target; below, on "
        "its own scale, what each counted lever adds; the trade not counted is in the table" + scale
    )
    return (
        f'<div class="screen-only">{_figure(chart, caption)}</div>'
        f'<div class="print-only printed-chart">{_figure(printed, printed_caption)}</div>'
    )


def _year_table(p: Projection, doc: Mapping[str, Any]) -> str:
    """Each year's levers, measure, trade not counted and share of the target; the deadline
    year marked."""
    s = p.scenario
    levers = p.lever_columns
    headers = ["Year", *(label for label, _ in levers), "Measure", "Not counted", "% of target"]
    rows, marks = [], set()
    for j, row in enumerate(doc["years"]):
        cells = [str(row["year"])]
        cells += [
            usd(float(p.measure_layers[key][j])) if key in p.measure_layers else ""
            for _, key in levers
        ]
        cells += [
            usd(row["measure_usd_m"]),
            usd(row["not_counted_usd_m"]),
            percent(row["share_of_target"]),
        ]
        rows.append(cells)
        if row["year"] == s.by_year:
            marks.add(j)
    return _table(headers, rows, set(range(len(headers))), marks)


def _lever_table(p: Projection) -> str:
    """What each lever adds at the deadline and the horizon, whether it counts, its source."""
    s = p.scenario
    unverified = unverified_ids(s.sources)
    rows = [
        [
            lever_label(r),
            "yes" if r["counts"] else f"no ({r['category']})",
            usd(r["at_by_year_usd_m"]),
            usd(r["at_horizon_usd_m"]),
            lever_source(r, unverified),
        ]
        for r in p.lever_rows
    ]
    return _table(["Lever", "Counted", str(s.by_year), str(s.horizon), "Source"], rows, {2, 3})


def _assumptions(doc: Mapping[str, Any], heading: str) -> list[str]:
    """The assumptions as a numbered list under a ``heading`` (h2, h3...), none if there are
    none; printed, each is cut to two lines."""
    unverified = unverified_ids(doc.get("sources", []))
    items = "".join(
        f"<li><div class=clamp><code>{_e(a['path'])}</code>: {_e(a['text'])}"
        + (
            f" <span class=muted>[{_e(cited(a['source'], unverified))}]</span>"
            if a.get("source")
            else ""
        )
        + "</div></li>"
        for a in doc.get("assumptions", [])
    )
    if not items:
        return []
    return [
        f"<{heading}>Assumptions</{heading}>",
        '<p class="print-only muted">Printed: the first two lines of each assumption; '
        "the full texts are on screen and in <code>tradecalc explain</code>.</p>",
        f'<ol class="assumptions">{items}</ol>',
    ]


def _sources(docs: Sequence[Mapping[str, Any]]) -> str:
    seen: dict[str, Mapping[str, Any]] = {}
    for doc in docs:
        for src in doc.get("sources", []):
            seen.setdefault(src["id"], src)
    items = []
    for src in seen.values():
        url = src.get("url") or ""
        title = _e(src.get("title"))
        if re.match(r"https?://", url):
            title = f'<a href="{_e(url)}" rel="noreferrer">{title}</a>'
        date = f", {_e(src['date'])}" if src.get("date") else ""
        mark = (
            " <strong>(unverified: no article URL checked)</strong>"
            if src.get("verified") is False
            else ""
        )
        items.append(f"<li><code>{_e(src['id'])}</code>: {title}{date}{mark}</li>")
    return f'<section class="sources"><h2>Sources</h2><ol>{"".join(items)}</ol></section>'


def report_html(result: Brief, *, log: bool | None = None) -> str:
    """The brief as one HTML page; ``log`` None picks the scale per chart."""
    projections = result.projections
    docs = [p.to_dict() for p in projections]
    title = _title(projections)
    body = [
        f'<p class="kicker">Trade brief, written by tradecalc {_e(version())}</p>',
        f"<h1>{_e(title)}</h1>",
    ]
    if len(projections) > 1:
        body += _at_a_glance(result, docs, log)
    level = 2 if len(projections) > 1 else 1  # one scenario: the page title names it
    for p, doc, headroom in zip(projections, docs, result.headrooms, strict=True):
        body.append(_scenario(p, doc, headroom, log, level))
    body.append(_sources(docs))
    body.append(_footer(projections))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def _title(projections: Sequence[Projection]) -> str:
    """``"Pakistan-Azerbaijan trade: NAME"``, or the number of scenarios when there are more."""
    first = projections[0].scenario
    if len(projections) == 1:
        return f"{first.pair_label} trade: {first.name}"
    return f"{first.pair_label} trade: {len(projections)} scenarios"


def _at_a_glance(result: Brief, docs: Sequence[Mapping[str, Any]], log: bool | None) -> list[str]:
    """Several scenarios side by side: a table of verdicts, one chart, the comparison's notes."""
    from tradecalc.views.charts.comparison import comparison_chart

    projections, comparison = result.projections, result.comparison
    glance = _table(
        ["Scenario", "Verdict", "Target", "In the deadline year", "Odds"],
        [
            [
                p.scenario.name,
                verdict(p),
                f"{usd(p.scenario.target.value_usd_m)} by {p.scenario.by_year}",
                f"{usd(p.measure_at_by_year)} US$ m (central path)",
                _chance(d.get("odds")),
            ]
            for p, d in zip(projections, docs, strict=True)
        ],
        set(),
    )
    use_log = any(_span(p) for p in projections) if log is None else log
    chart = _chart(lambda path: comparison_chart(comparison, path, log=use_log))
    return [
        "<h2>At a glance</h2>",
        glance,
        _figure(chart, "Each scenario on its own target."),
        *(f"<p class=muted>{_e(n)}</p>" for n in comparison.notes()),
    ]


def _footer(projections: Sequence[Projection]) -> str:
    """The files, the overrides and the version the brief was written from."""
    overrides = projections[0].overrides
    return (
        "<footer><p>"
        + _e(
            f"Files: {', '.join(p.path for p in projections)}. "
            + (f"Overrides: {overrides_text(overrides)}. " if overrides else "")
            + f"tradecalc {version()}; every number is traceable with `tradecalc explain`."
        )
        + "</p></footer>"
    )
