"""The view of `tradecalc project`: the verdict, the odds, the record, trade by year and lever,
the breakdown and the unsourced assumptions, read off a Projection."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tradecalc.analysis.projection import Projection
from tradecalc.core.numbers import probability_text
from tradecalc.scenario.record import baseline_reporter_reason, baseline_words
from tradecalc.scenario.terms import CATEGORY_MEANING, CUSTOMS_CATEGORIES
from tradecalc.views.render import TextTable, View
from tradecalc.views.words import (
    arrow,
    bar,
    cited,
    overrides_text,
    percent,
    shock_model_words,
    unverified_ids,
    usd,
    usd_se,
)


def verdict(p: Projection) -> str:
    """The verdict naming the deadline: "not by 2030; not within the horizon, 2035", "not by
    2030; reached in 2032", or "reached in 2028, by 2030" (every view says it so)."""
    s = p.scenario
    if p.reached_year is None:
        return f"not by {s.by_year}; not within the horizon, {s.horizon}"
    if not p.on_time:
        return f"not by {s.by_year}; reached in {p.reached_year}"
    return f"reached in {p.reached_year}, by {s.by_year}"


def verdict_style(p: Projection) -> str:
    """Green when reached by the deadline, yellow when later, red when not at all."""
    if p.reached_year is None:
        return "bold red"
    return "bold green" if p.on_time else "bold yellow"


def gap_text(p: Projection) -> str:
    gap, target = p.gap_at_by_year, p.scenario.target.value_usd_m
    if gap > 0:
        return f"{usd(gap)} US$ m short ({percent(gap / target, 0)} of target)"
    return f"none: {usd(-gap)} US$ m above target"


def growth_text(p: Projection) -> str:
    s = p.scenario
    if p.required_cagr is None:
        return "n/a: the base-year measure is 0"
    return f"{percent(p.required_cagr, 2)} a year, {s.base_year}-{s.by_year}"


def provenance_lines(p: Projection) -> list[str]:
    """The assumptions that carry no source, and inputs with neither, one line each."""
    lines = [f"{a.path}: {a.text}" for a in p.assumptions if a.source is None]
    lines += [f"{path}: no source or assumption given" for path in p.unsourced]
    return lines


def odds_text(p: Projection) -> str:
    """The odds line: P(reached by the deadline) with its error and where it comes from, and
    the deadline year's central path beside the median, mean, P10 and P90 of the draws."""
    o, by = p.odds, p.scenario.by_year
    if o is None:
        return no_odds_text(p)
    chance = probability_text(o["probability_by_year"], o["probability_se"], o["probability_below"])

    def at(key: str, name: str) -> str:
        value = o[f"{key}_at_by_year_usd_m"]
        if key == "mean" and o.get("mean_finite") is False:
            return f"{name} not finite (methods.md 8.1)"
        return f"{name} {usd_se(value, o.get(f'{key}_se'))}"

    return (
        f"P(reached in some year up to {by}) {chance} ({o['attribution_text']}); "
        f"{_deadline_year_text(o, by)}{model_range_text(o.get('model_range'))}"
        f"measure in {by}: central path "
        f"{usd(o['central_path_at_by_year_usd_m'])}, {at('p50', 'median')}, {at('mean', 'mean')}, "
        f"{at('p10', 'P10')}, {at('p90', 'P90')} US$ m (Monte Carlo, ±: standard errors, "
        f"{o['draws']:,} draws, seed {o['seed']}, shocks integrated exactly"
        f"{shock_model_words(o.get('shock'))})"
    )


def _deadline_year_text(o: dict, by: int) -> str:
    if "probability_in_deadline_year" not in o:
        return ""
    chance = probability_text(
        o["probability_in_deadline_year"],
        o["probability_in_deadline_year_se"],
        o["probability_in_deadline_year_below"],
    )
    return f"in {by} itself {chance}; "


def model_range_text(rows: list[dict] | None) -> str:
    """``"across the shock models: under 0.001 % (sd fixed ...) to 1.6 % (own record ...); "``:
    the range the headline's probability spans over the models the tool offers."""
    if not rows or len(rows) < 2:
        return ""

    def size(row: dict) -> float:
        return row["quoted"] if row["quoted"] is not None else row["below"] or 0.0

    low, high = min(rows, key=size), max(rows, key=size)

    def text(row: dict) -> str:
        chance = probability_text(row["quoted"], row["probability_se"], row["below"])
        return f"{chance.split(' ± ')[0]} ({MODEL_NAMES.get(row['model'], row['model'])})"

    return f"shock models {text(low)} to {text(high)}; "


MODEL_NAMES = {
    "posterior": "as shipped",
    "fixed_sd": "sd fixed",
    "own_record": "own record only",
    "ar1": "AR(1)",
}
"""The shock models in the odds line, short (JSON ``odds.model_range`` has them in words)."""


def base_rate_text(p: Projection) -> str | None:
    """The panel's base rate for the scenario's own base, multiple and horizon (issue 26)."""
    doc = p.outside_view.get("base_rate")
    if doc is None:
        return None
    from tradecalc.views.baserate_view import rate_text, times

    low, high = doc["size_band_usd_m"]
    if not doc["windows"]:
        return f"none: no pair of the {doc['panel']['label']} traded US$ {usd(low)}-{usd(high)} m"
    return (
        f"{rate_text(doc['rate'])} of {doc['windows']:,} windows of {doc['pairs']:,} pairs "
        f"at US$ {usd(low)}-{usd(high)} m reached {times(doc['multiple'])} within "
        f"{doc['horizon']} years (95 %: {_span(doc['rate_interval'])}); "
        f"{doc['panel']['label']}"
    )


def _span(pair: list[float] | None) -> str:
    """``"1.2-1.9 %"``: a rate's interval, in the base rate's own digits."""
    from tradecalc.views.baserate_view import rate_text

    if pair is None:
        return "n/a"
    return f"{rate_text(pair[0]).removesuffix(' %')}-{rate_text(pair[1])}"


def no_odds_text(p: Projection) -> str:
    """Why a projection carries no odds (the Odds line, the brief, the workbook)."""
    return p.odds_note()


CENTRAL_PATH = "central path: levers at central values, deals weighted by their odds, no shocks"
"""What the projection's figures are, said once in every view that prints them."""


def projection_headline(p: Projection) -> list[tuple[str, str]]:
    """The header lines of `project`, in the order every issue adding a line keeps: the
    headline; the verdict; the odds and the panel's base rate; the outside view; the normal
    level (gravity); the other reporter's figures; then what is measured, the target and the
    growth it needs."""
    return [
        headline_row(p),
        verdict_row(p),
        odds_row(p),
        *base_rate_rows(p),
        outside_view_row(p),
        *normal_level_rows(p),
        *other_reporter_rows(p),
        *context_rows(p),
    ]


def headline_row(p: Projection) -> tuple[str, str]:
    """The one line a reporter can copy: the measure in the deadline year on the central path,
    its share of the target, and the probability as the odds line gives it."""
    s, by = p.scenario, p.scenario.by_year
    target = s.target.value_usd_m
    whole = f"{target:,.0f}" if float(target).is_integer() and target < 1e12 else usd(target)
    text = (
        f"{by}: {usd(p.measure_at_by_year)} of {whole} US$ m "
        f"({share_text(p.share_at_by_year)}), central path"
    )
    o = p.odds
    if o is None:
        return ("Headline", f"{text}; odds: none (see the Odds line)")
    # the odds line's figure, without its Monte Carlo error (the Odds line gives it)
    chance = probability_text(o["probability_by_year"], o["probability_se"], o["probability_below"])
    chance = chance.split(" ± ")[0]
    return ("Headline", f"{text}; P(reached in some year up to {by}) {chance}")


def share_text(share: float) -> str:
    """A share of the target: whole per cent, one decimal under 1 %, "under 0.1 %" below."""
    if share < 0.001:
        return "under 0.1 %"
    return percent(share, 1 if share < 0.01 else 0)


def verdict_row(p: Projection) -> tuple[str, str]:
    s = p.scenario
    text = f"{verdict(p)} ({CENTRAL_PATH})"
    extra = [c for c in s.target.counts if c not in CUSTOMS_CATEGORIES]
    if extra:
        text += f"; counts {', '.join(extra)}: not customs-comparable"
    return ("Verdict", text)


def odds_row(p: Projection) -> tuple[str, str]:
    return ("Odds", odds_text(p) if p.odds is not None else no_odds_text(p))


def base_rate_rows(p: Projection) -> list[tuple[str, str]]:
    """The panel's base rate, below the odds line (issue 26), where the odds were run."""
    rate = base_rate_text(p)
    return [] if rate is None else [("Base rate", rate)]


def normal_level_rows(p: Projection) -> list[tuple[str, str]]:
    """The pair's normal level by gravity (issue 27), or which panel would give it."""
    n = p.normal_level
    return [] if n is None else [(n["label"], n["text"])]


def outside_view_row(p: Projection) -> tuple[str, str]:
    return ("Outside view", p.outside_view["text"])


def other_reporter_rows(p: Projection) -> list[tuple[str, str]]:
    """The other side's statistics, where it has a record: its latest figure, labelled with
    its period, and the growth the target needs on its figures."""
    o = p.other_reporter
    if o is None:
        return []
    s = p.scenario
    period = "fiscal year" if o["period"] == "fy_jul_jun" else "calendar year"
    growth = o["required_growth"]
    needs = "n/a (its figure is 0)" if growth is None else f"{percent(growth, 2)} a year"
    source = f", {o['source']}" if o.get("source") else ""
    text = (
        f"{o['period_text']} ({period}{source}): {usd(o['measure_usd_m'])} US$ m as "
        f"{o['reporter']} reports it; on its figures the target needs {needs}, "
        f"{o['year']}-{s.by_year}"
    )
    return [(f"{o['reporter']}'s figures", text)]


def context_rows(p: Projection) -> list[tuple[str, str]]:
    """What is measured, the target and the growth it needs, and the notes that follow."""
    s = p.scenario
    a, b = s.codes
    lines = [
        ("Scenario", s.name),
        (
            "Economies",
            f"{s.economy_name(a)} ({a}) and {s.economy_name(b)} ({b}); {baseline_words(s)}",
        ),
        ("Measure", p.counts_text),
        ("Base year", f"{s.base_year}: measure {usd(float(p.measure[0]))} US$ m"),
        ("Target", f"{usd(s.target.value_usd_m)} US$ m a year by {s.by_year}"),
        ("Required growth", growth_text(p)),
        (f"Gap in {s.by_year}", gap_text(p)),
    ]
    everything = p.total >= s.target.value_usd_m
    if p.not_counted and everything.any() and p.reached_year is None:
        year = int(p.years[int(np.argmax(everything))])
        lines.append(("If all were counted", f"reached in {year} (not the target's measure)"))
    if p.overrides:
        lines.append(("Overrides", overrides_text(p.overrides)))
    return lines


def projection_view(p: Projection) -> View:
    """Header, the record and trade by year, memo lines, breakdown, unsourced assumptions."""
    s = p.scenario
    levers = p.lever_columns
    tables = [
        *([_record_table(p)] if s.history else []),
        *([_mirror_table(p)] if p.mirror_rows else []),
        _years_table(p, levers),
        *([_memo_table(p)] if p.not_counted else []),
        _breakdown_table(p, levers),
    ]
    notes = provenance_lines(p)
    return View(
        heading=s.name,
        description=s.description,
        headline=projection_headline(p),
        headline_styles={"Verdict": verdict_style(p)},
        tables=tables,
        notes_title=f"Assumptions without a source ({len(notes)}):",
        notes=notes,
        footer="(full texts and sources: -f json, keys 'assumptions', 'sources')" if notes else "",
        truncate_notes=True,
    )


def _record_table(p: Projection) -> TextTable:
    """The observed record by year and kind, each direction apart; not part of the projection."""
    a, b = p.scenario.directions
    record = TextTable(
        "The record, US$ m, nominal (observed; not part of the projection)",
        ["Year", "Kind", "Total", arrow(a), arrow(b), "Source"],
        right={0, 2, 3, 4},
    )
    unverified = unverified_ids(p.scenario.sources)
    for h in p.history():
        by = h["by_direction_usd_m"]
        record.rows.append(
            [
                str(h["year"]),
                h["label"],
                usd(h["total_usd_m"]),
                *(usd(by[d]) if by.get(d) is not None else "" for d in (a, b)),
                cited(h["source"], unverified) or "assumption",
            ]
        )
        label = h["label"]
        if label.startswith("observed ("):  # "AZE customs": the title says it is observed
            label = label.removeprefix("observed (").removesuffix(")")
        record.narrow.setdefault(1, []).append(label)
    return record


def _mirror_table(p: Projection) -> TextTable:
    """Both reporters' calendar records side by side, with the gap between them."""
    s = p.scenario
    rows = p.mirror_rows
    own, other = rows[0]["reporter"], rows[0]["mirror_reporter"]
    table = TextTable(
        f"Both sides' record, US$ m: the baseline follows {own} "
        f"({baseline_reporter_reason(s)}); {other}'s figures are the mirror. By direction: "
        "the importer's figure (CIF) / the exporter's (FOB), and the gap",
        ["Year", own, other, "Gap", *(_pair_heading(d) for d in s.directions)],
        right={0, 1, 2, 3, 4, 5},
    )
    for row in rows:
        table.rows.append(
            [
                str(row["year"]),
                usd(row["total_usd_m"]),
                usd(row["mirror_total_usd_m"]),
                _gap_text(row["gap"]),
                *(_pair_text(row["by_direction"][d]) for d in s.directions),
            ]
        )
    return table


def _pair_heading(direction: str) -> str:
    """``"PAK→AZE AZE/PAK"``: the direction, then whose figure comes first (the importer's)."""
    exporter, importer = direction.upper().split("_TO_")
    return f"{arrow(direction)} {importer}/{exporter}"


def _pair_text(pair: dict[str, float | None]) -> str:
    """``"11.6 / 10.9 +6 %"``: importer / exporter and the gap; blank where neither is known."""
    imports, exports = pair["importer_usd_m"], pair["exporter_usd_m"]
    if imports is None and exports is None:
        return ""
    gap = _gap_text(pair["gap"])
    return f"{usd(imports)} / {usd(exports)}" + (f" {gap}" if pair["gap"] is not None else "")


def _gap_text(gap: float | None) -> str:
    return "n/a" if gap is None else f"{gap * 100:+.0f} %"


def _years_table(p: Projection, levers: Sequence[tuple[str, str]]) -> TextTable:
    """Trade by year: the levers adding up to the measure, the memo, the share of the target."""
    s = p.scenario
    memo = bool(p.not_counted)
    headers = ["Year", *(label for label, _ in levers), "Measure"]
    headers += ["Not counted"] if memo else []
    years = TextTable(
        f"Projection, US$ m, nominal, central path: the levers add up to the measure "
        f"({', '.join(s.target.counts)})" + ("; memo: trade not counted" if memo else ""),
        [*headers, "% of target"],
        right=set(range(len(headers))),
        styles={len(levers) + 1: "bold", len(headers): "cyan"},
    )
    layers = p.measure_layers
    for j, row in enumerate(p.years_rows):
        share = row["share_of_target"]
        cells = [str(row["year"]), *(usd(float(layers[key][j])) for _, key in levers)]
        cells.append(usd(row["measure_usd_m"]))
        cells += [usd(row["not_counted_usd_m"])] if memo else []
        years.rows.append([*cells, f"{bar(share)} {percent(share)}"])
        years.narrow.setdefault(len(cells), []).append(percent(share))
        if row["year"] == s.by_year:
            years.bold_rows.add(len(years.rows) - 1)
    return years


def _memo_table(p: Projection) -> TextTable:
    """The trade the target does not count, by category, at the deadline and the horizon."""
    s = p.scenario
    memo = TextTable(
        "Memo: not counted by the target, US$ m, nominal",
        ["Category", "What it is", str(s.by_year), str(s.horizon)],
        right={2, 3},
    )
    for category, values in p.not_counted.items():
        memo.rows.append(
            [
                category,
                CATEGORY_MEANING[category],
                usd(float(values[p.year_index(s.by_year)])),
                usd(float(values[p.year_index(s.horizon)])),
            ]
        )
    return memo


def _breakdown_table(p: Projection, levers: Sequence[tuple[str, str]]) -> TextTable:
    """The deadline year by direction, sector and category, lever by lever."""
    breakdown = TextTable(
        f"By direction and sector in {p.scenario.by_year}, US$ m, nominal"
        + ("" if all(g["counts"] for g in p.breakdown()) else " (* not counted)"),
        ["Direction", "Sector", "Category", *(label for label, _ in levers), "Total"],
        right=set(range(3, 4 + len(levers))),
    )
    for g in p.breakdown():
        category = g["category"] + ("" if g["counts"] else " (not counted)")
        breakdown.narrow.setdefault(2, []).append(g["category"] + ("" if g["counts"] else "*"))
        breakdown.rows.append(
            [
                arrow(g["direction"]),
                g["sector"],
                category,
                *(usd(g[key]) for _, key in levers),
                usd(g["total_usd_m"]),
            ]
        )
    return breakdown
