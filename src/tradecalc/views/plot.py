"""Charts for a briefing: `--plot FILE` (PNG, SVG or PDF by the file's suffix), matplotlib.

matplotlib is an optional extra (``pip install matplotlib``, or ``pip install -e '.[plot]'``
from a checkout), imported only here and
only when a chart is asked for, with the Agg backend. Every chart is 2,000 px wide as PNG
(10 in at 200 dpi), uses the Okabe-Ito palette (safe for colour-blind readers), reads no
text as maths (a ``$`` in a name stays a dollar) and gives the same bytes on every run (no
date in SVG or PDF, a fixed SVG hash salt).
"""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from tradecalc.analysis.comparison import Comparison
from tradecalc.analysis.projection import Projection, history_rows, lever_columns, probability_text
from tradecalc.core.errors import install_hint, usage_error
from tradecalc.core.sanitize import escape, has_unsafe
from tradecalc.engine.montecarlo import Simulation
from tradecalc.views.briefing import footer_text, odds_text, outside_text
from tradecalc.views.render import growth_text, overrides_text, unverified_ids, verdict

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DPI = 200
LOG_NOTE = "Log scale: read values off the axis; band heights do not add up by eye."
SIZE = (10.0, 5.2)  # inches of the axes block: 2,000 px wide at 200 dpi

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency; grey for the baseline, which is the part no policy adds.
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
GREY = "#9A9A9A"
LEVER_COLOURS = {
    "baseline_usd_m": GREY,
    "pta_usd_m": BLUE,
    "tariff_changes_usd_m": SKY,
    "tta_usd_m": GREEN,
}
DEAL_COLOURS = (ORANGE, VERMILLION, PURPLE, YELLOW, SKY)
DEAL_HATCHES = ("", "//", "..", "\\\\", "xx")
SERIES_COLOURS = (BLACK, ORANGE, BLUE, GREEN, VERMILLION, PURPLE, SKY, YELLOW)

STYLE = {
    "svg.hashsalt": "tradecalc",  # stable ids in SVG
    "svg.fonttype": "none",  # text stays text: searchable, editable, small
    "pdf.fonttype": 42,
    "text.usetex": False,
    "text.parse_math": False,  # "$2bn push" is a name, not maths
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 12,
    "axes.titlesize": 16,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.8,
    "hatch.color": "#FFFFFF",
}


def _pyplot(path: Path):
    if path.suffix.lower() not in FORMATS:
        usage_error(f"--plot {path}", "the file must end in .png, .svg or .pdf")
    try:
        import matplotlib
    except ImportError:
        hint = install_hint("matplotlib", "plot")
        usage_error(f"--plot {path}", f"needs matplotlib: {hint}")
    matplotlib.use("Agg")
    # names and labels are the user's text: a "$" must not start mathtext (nor fail in it)
    matplotlib.rcParams["text.parse_math"] = False
    import matplotlib.pyplot as plt

    return plt


class _Chart:
    """A figure with a title block above the axes and a footer below, in the house style."""

    def __init__(
        self,
        path: Path,
        size: tuple[float, float] = SIZE,
        panels: tuple[float, ...] = (1.0,),
        style: Mapping[str, Any] | None = None,
    ):
        self.path = path
        self.plt = _pyplot(path)
        self._stack = ExitStack()
        self._stack.enter_context(self.plt.rc_context({**STYLE, **(style or {})}))
        self.figure, axes = self.plt.subplots(
            len(panels), 1, figsize=size, squeeze=False, height_ratios=panels
        )
        self.panels = list(axes[:, 0])
        self.axes, self.bottom = self.panels[0], self.panels[-1]  # titles above, footer below
        self._texts: list[tuple[str, dict[str, Any]]] = []
        self._title = ""

    def titles(self, title: str, subtitle_lines: list[str], pad: float = 12) -> None:
        """A bold title and grey subtitle lines above the axes, left-aligned with them, the
        subtitle ``pad`` points above the top axes (room for a panel heading)."""
        self._subtitle = self.axes.set_title(
            "\n".join(_wrap(line, 110) for line in subtitle_lines if line),
            loc="left",
            fontsize=12,
            color="#333333",
            pad=pad,
        )
        self._title = title

    def save(self, footer: str, below: float = 48) -> bytes:
        """The figure's bytes; the footer starts ``below`` points under the bottom axes."""
        figure = self.figure
        if self._title:
            self._draw_title()
        if footer:
            self._draw_footer(footer, below)
        _escape_texts(figure)
        fmt = FORMATS[self.path.suffix.lower()]
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            # a letter the font lacks (a CJK name) is drawn as a box (SVG keeps the letter):
            # matplotlib's warning would put a path inside the install on stderr
            warnings.filterwarnings("ignore", r"Glyph \d+ .*missing from font", UserWarning)
            figure.savefig(
                buffer,
                format=fmt,
                dpi=DPI,
                bbox_inches="tight",
                pad_inches=0.3,
                metadata=metadata,
                facecolor="white",
            )
        self.plt.close(figure)
        self._stack.close()
        return buffer.getvalue()

    def _draw_title(self) -> None:
        self.axes.annotate(  # the title sits on top of the subtitle, whatever its number of lines
            self._title,
            xy=(0.0, 1.0),
            xycoords=self._subtitle,
            xytext=(0, 8),
            textcoords="offset points",
            fontsize=16,
            fontweight="bold",
            va="bottom",
            ha="left",
            annotation_clip=False,
        )

    def _draw_footer(self, footer: str, below: float) -> None:
        axes = self.bottom
        legend = axes.get_legend()
        if legend is not None and legend.get_bbox_to_anchor().x0 > axes.get_window_extent().x1:
            legend = None  # a legend beside the plot: the footer goes under the axes
        axes.annotate(  # under the legend, if any, else under the axes
            _wrap(footer, 140),
            xy=(0.0, 0.0),
            xycoords=legend if legend is not None else "axes fraction",
            xytext=(0, -12 if legend is not None else -below),
            textcoords="offset points",
            fontsize=9,
            color="#555555",
            va="top",
            ha="left",
            annotation_clip=False,
        )


def _escape_texts(figure) -> None:
    """Every text of the figure (titles, labels, legend) with control and bidi characters
    escaped as the tables show them, so no user's name reaches a font raw (matplotlib would warn
    "Glyph 27 missing" on stderr). Line breaks, which lay out the subtitle, stay. Tick labels
    are drawn from their formatter: a chart that labels ticks with names escapes them itself."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        if has_unsafe(content := text.get_text()):
            text.set_text(escape(content, keep="\n"))


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) if text else ""


def _money_axis(axes, log: bool, low: float, high: float) -> None:
    """US$ m on the y axis: plain numbers with thousands separators, 1-2-5 ticks on log."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    if log:
        axes.set_yscale("log")
        axes.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axes.yaxis.set_minor_locator(NullLocator())
        axes.set_ylim(low / 1.6, high * 1.6)
    else:
        axes.set_ylim(0, high * 1.1)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    axes.set_ylabel("US$ million a year" + (" (log scale)" if log else ""))


def _year_axis(axes, first: int, last: int) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.set_xlim(first - 0.5, last + 0.5)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=14))


def _target(axes, value: float, by_year: int, colour: str = BLACK, label: str | None = None):
    """The target as a dashed line, the deadline as a dotted one, both labelled in the plot."""
    axes.axhline(value, color=colour, linestyle="--", linewidth=1.6, zorder=4)
    axes.axvline(by_year, color=colour, linestyle=":", linewidth=1.2, zorder=4)
    axes.annotate(  # on white: the target's dashed line may run behind it
        f"deadline {by_year}",
        xy=(by_year, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, -4),
        textcoords="offset points",
        fontsize=10,
        color=colour,
        va="top",
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
        zorder=7,
    )
    axes.annotate(
        label or f"target {value:,.0f} by {by_year}",
        xy=(0.0, value),
        xycoords=("axes fraction", "data"),
        xytext=(4, 4),
        textcoords="offset points",
        fontsize=11,
        fontweight="bold",
        color=colour,
        va="bottom",
    )


def _record(axes, history: list[dict[str, Any]]) -> list[float]:
    """The record as points, one marker per kind (own customs, mirror, part-year)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for h in history:
        groups.setdefault(h["label"], []).append(h)
    styles = [("o", BLACK), ("s", VERMILLION), ("D", BLUE), ("^", PURPLE)]
    values = []
    for (label, rows), (marker, colour) in zip(groups.items(), styles * 4, strict=False):
        partial = rows[0]["period"] == "partial"
        xs = [r["year"] for r in rows]
        ys = [r["total_usd_m"] for r in rows]
        values += ys
        axes.scatter(
            xs,
            ys,
            marker=marker,
            s=42,
            facecolors="white" if partial else colour,
            edgecolors=colour,
            linewidths=1.5,
            zorder=6,
            label=label,
        )
    return values


def _legend(axes, stacked=()) -> None:
    """The legend right of the plot; stacked bands listed top band first, as they are drawn."""
    handles, labels = axes.get_legend_handles_labels()
    stacked = list(stacked)
    if stacked:
        pairs = list(zip(handles, labels, strict=True))
        bands = [pair for pair in pairs if pair[0] in stacked][::-1]
        rest = [pair for pair in pairs if pair[0] not in stacked]
        handles, labels = (list(x) for x in zip(*bands, *rest, strict=True))
    axes.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.09),
        ncols=2,
        frameon=False,
        borderaxespad=0.0,
        columnspacing=2.0,
    )


def _positive(values) -> float:
    array = np.asarray([v for v in values if v is not None], dtype=float)
    array = array[array > 0]
    return float(array.min()) if array.size else 1.0


def _frame(axes, scenario, years, history, shown: list[float], log: bool, stacked=()) -> None:
    """Around one scenario's drawn lines (their values ``shown``): the record, the year and
    money axes, the target and deadline, and the legend (``stacked`` bands listed first)."""
    shown = [*shown, *_record(axes, history)]
    first = min([int(years[0]), *(h["year"] for h in history)])
    _year_axis(axes, first, int(years[-1]))
    target = scenario.target.value_usd_m
    _money_axis(axes, log, _positive(shown), max([target, *shown]))
    _target(axes, target, scenario.by_year)
    _legend(axes, stacked)


PRINT_STYLE = {
    "font.size": 9,
    "axes.labelsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "svg.hashsalt": "tradecalc-print",  # its ids differ from the screen chart's on one page
}
"""The brief's printed chart: no text under 9 pt at its own size."""
PRINT_SIZE = (4.2, 3.4)
"""Inches of the printed chart's panels; with the legends beside them it is about 7 in wide,
A4's text width, so it prints at about its own size."""


def projection_chart(
    p: Projection,
    path: Path,
    *,
    log: bool = False,
    document: Mapping[str, Any] | None = None,
    bare: bool = False,
) -> bytes:
    """The projection in panels: the measure over the baseline, with the P10-P90 band of the
    odds, the record, the target and the deadline; below it, on its own scale, what each
    counted lever (each deal apart) adds; below that, on its own scale again, the trade the
    target does not count (a memo, so it never towers over the measure).

    ``document`` is the project JSON (for the odds and the outside view; computed if absent).
    ``bare`` draws the brief's printed chart: no title, subtitle or footer (the page has them),
    A4's width, no text under 9 pt.
    """
    s = p.scenario
    doc = p.to_dict() if document is None else document
    memo = bool(p.not_counted) and not bare  # printed, the memo is the table's column
    panels = (3.0, 1.5, 1.1) if memo else (3.0, 1.5)
    size = PRINT_SIZE if bare else (10.0, 8.2 if memo else 7.0)
    chart = _Chart(path, size=size, panels=panels, style=PRINT_STYLE if bare else None)
    for axes in chart.panels[1:]:
        axes.sharex(chart.axes)
    _measure_panel(chart.axes, p, doc, log)
    _lever_panel(chart.panels[1], p)
    if memo:
        _memo_panel(chart.panels[2], p)
    for axes in chart.panels[:-1]:
        axes.tick_params(labelbottom=False)  # the years are read off the bottom panel
    if bare:
        from matplotlib.ticker import MaxNLocator

        chart.bottom.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=7))
    chart.figure.subplots_adjust(hspace=0.3)
    if bare:
        return chart.save("")
    title = s.name if s.pair_label in s.name else f"{s.pair_label} trade: {s.name}"
    chart.titles(title, _projection_subtitles(p, doc, log))
    return chart.save(
        footer_text([src.id for src in s.sources], p.overrides, unverified_ids(s.sources)),
        below=30,
    )


def _measure_panel(axes, p: Projection, doc: Mapping[str, Any], log: bool) -> None:
    """The measure (black) over the baseline (grey), the odds' P10-P90 band, the record, the
    target and the deadline."""
    s = p.scenario
    j = p.at(s.by_year)
    baseline = p.measure_layers["baseline_usd_m"]
    at = f"in {s.by_year}"
    label = f"baseline (no new policy): {baseline[j]:,.1f} {at}"
    floor = 1e-9 if log else 0.0
    axes.fill_between(p.years, floor, baseline, color=GREY, alpha=0.55, lw=0, zorder=2, label=label)
    shown = [*p.measure]
    band = _odds_band(p, doc)
    if band is not None:
        low, high = band
        odds = doc["odds"]
        # the deadline's figures are the odds line's (its shocks integrated exactly); the band
        # drawn year by year is the plain draws' of the same size and seed, which agree within
        # their Monte Carlo error
        label = f"P10-P90 of the odds ({odds['draws']:,} draws, seed {odds['seed']})"
        label += f": {odds['p10_at_by_year_usd_m']:,.1f}-{odds['p90_at_by_year_usd_m']:,.1f} {at}"
        axes.fill_between(p.years, low, high, color=SKY, alpha=0.35, lw=0, zorder=1, label=label)
        shown += [*low, *high]
    label = f"measure, central path ({', '.join(s.target.counts)}): {p.measure[j]:,.1f} {at}"
    axes.plot(p.years, p.measure, color=BLACK, linewidth=2.0, zorder=5, label=label)
    shown += _record(axes, p.history())
    first = min([int(p.years[0]), *(h["year"] for h in p.history())])
    _year_axis(axes, first, int(p.years[-1]))
    _money_axis(axes, log, _positive(shown), max([s.target.value_usd_m, *shown]))
    _target(axes, s.target.value_usd_m, s.by_year)
    _side_legend(axes)


def _odds_band(p: Projection, doc: Mapping[str, Any]):
    """P10 and P90 of the measure by year, from the same Monte Carlo as the odds line (its
    draws and seed), or None without odds."""
    odds = doc.get("odds")
    if not odds or p.scenario.uncertainty is None:
        return None
    from tradecalc.engine.montecarlo import simulate

    sim = simulate(p.scenario, int(odds["draws"]), int(odds["seed"]))
    return np.asarray(sim.percentiles[10]), np.asarray(sim.percentiles[90])


def _lever_panel(axes, p: Projection) -> None:
    """Each counted lever's contribution by year as its own line, on its own linear scale."""
    bands = [b for b in [*_lever_bands(p), *_deal_bands(p)] if not b.label.startswith("baseline")]
    for n, band in enumerate(bands):
        style = ("-", "--", ":", "-.")[(n // len(DEAL_COLOURS)) % 4]
        axes.plot(p.years, band.values, band.colour, lw=2.0, ls=style, zorder=3, label=band.label)
    axes.axhline(0.0, color=BLACK, linewidth=0.8, zorder=2)
    axes.axvline(p.scenario.by_year, color=BLACK, linestyle=":", linewidth=1.2)
    axes.set_ylabel("added, US$ m")
    axes.yaxis.set_major_formatter(_thousands_or_tenths())
    _panel_title(axes, "What each counted lever adds to the baseline (own scale)")
    if not bands:
        axes.text(0.5, 0.5, "no counted lever", transform=axes.transAxes, ha="center")
    _side_legend(axes)


def _memo_panel(axes, p: Projection) -> None:
    """The trade the target does not count, by category, stacked on its own scale."""
    s = p.scenario
    j = p.at(s.by_year)
    colours = [PURPLE, YELLOW, VERMILLION, SKY, ORANGE, GREEN]
    items = list(p.not_counted.items())
    labels = [f"{category}: {v[j]:,.1f} in {s.by_year}" for category, v in items]
    axes.stackplot(
        p.years, *(v for _, v in items), colors=colours[: len(items)], alpha=0.7, labels=labels
    )
    axes.axvline(s.by_year, color=BLACK, linestyle=":", linewidth=1.2)
    axes.set_ylabel("memo, US$ m")
    axes.yaxis.set_major_formatter(_thousands_or_tenths())
    _panel_title(axes, "Not counted by the target (memo, own scale)")
    _side_legend(axes)


def _panel_title(axes, text: str) -> None:
    axes.set_title(text, loc="left", fontsize=plt_size("axes.labelsize"), color="#333333", pad=4)


def plt_size(key: str) -> float:
    """A font size of the rc style in force, in points."""
    import matplotlib
    from matplotlib.font_manager import FontProperties

    return FontProperties(size=matplotlib.rcParams[key]).get_size_in_points()


def _side_legend(axes) -> None:
    """The panel's legend right of it, outside the plot (none with nothing labelled)."""
    if not axes.get_legend_handles_labels()[0]:
        return
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, borderaxespad=0.0)


def _thousands_or_tenths():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 10 or v == 0 else f"{v:,.1f}")


class _Band(NamedTuple):
    """One lever of the projection chart."""

    values: np.ndarray
    label: str
    colour: str
    hatch: str


def _lever_bands(p: Projection) -> list[_Band]:
    """The baseline and each policy lever with a contribution, in the table's order."""
    s = p.scenario
    j = p.at(s.by_year)
    bands = []
    for label, key in lever_columns(s):
        layer = p.measure_layers.get(key)
        if key == "deals_usd_m" or layer is None or not np.any(layer):
            continue
        name = label if key != "baseline_usd_m" else "baseline (no new policy)"
        text = f"{name}: {layer[j]:,.1f} in {s.by_year}"
        bands.append(_Band(layer, text, LEVER_COLOURS.get(key, SKY), ""))
    return bands


def _deal_bands(p: Projection) -> list[_Band]:
    """Each counted deal with a contribution; past five colours, the line style changes."""
    s = p.scenario
    j = p.at(s.by_year)
    bands = []
    counted = [k for k, c in enumerate(p.layout.deal_counts) if c]
    for n, k in enumerate(counted):
        layer = p.components.deals[0, k]
        if not np.any(layer):
            continue
        text = f"deal {p.layout.deal_name[k]}: {layer[j]:,.1f} in {s.by_year}"
        colour = DEAL_COLOURS[n % len(DEAL_COLOURS)]
        hatch = DEAL_HATCHES[(n // len(DEAL_COLOURS)) % len(DEAL_HATCHES)]
        bands.append(_Band(layer, text, colour, hatch))
    return bands


def _projection_subtitles(p: Projection, doc: Mapping[str, Any], log: bool) -> list[str]:
    """The verdict and the growth it needs, the odds, the outside view, the measure, the
    overrides and the scale (empty lines are left out when drawn)."""
    s = p.scenario
    return [
        f"Verdict: {verdict(p)} (target {s.target.value_usd_m:,.0f} US$ m by {s.by_year}; "
        f"needs {growth_text(p)}).",
        odds_text(doc.get("odds"), s.by_year),
        outside_text(doc.get("outside_view")),
        f"Measure: {p.counts_text}.",
        f"Changed by {overrides_text(p.overrides)}." if p.overrides else "",
        LOG_NOTE if log else "",
    ]


def comparison_chart(c: Comparison, path: Path, *, log: bool = False) -> bytes:
    """The measure of each scenario by year, each with its own target and deadline."""
    chart = _Chart(path)
    axes = chart.axes
    targets = {(p.scenario.target.value_usd_m, p.scenario.by_year) for p in c.projections}
    shared = len(targets) == 1
    shown = _scenario_lines(axes, c.projections, shared)
    history = _shared_record(c.projections)
    shown += _record(axes, history)
    first = min([*(int(p.years[0]) for p in c.projections), *(h["year"] for h in history)])
    _year_axis(axes, first, max(int(p.years[-1]) for p in c.projections))
    _money_axis(axes, log, _positive(shown), max(shown))
    if shared:
        value, by_year = next(iter(targets))
        _target(axes, value, by_year)
    _legend(axes)
    chart.titles("Trade the target counts, by scenario", _comparison_subtitles(c, shared))
    sources = [src.id for p in c.projections for src in p.scenario.sources]
    unverified = unverified_ids(src for p in c.projections for src in p.scenario.sources)
    overrides = c.projections[0].overrides if c.projections else ()
    return chart.save(footer_text(sources, overrides, unverified))


def _scenario_lines(axes, projections: list[Projection], shared: bool) -> list[float]:
    """One marked line per scenario, each in its colour; unless all share one target, each
    scenario's target as a dashed line in that colour with a star at its deadline. The values
    drawn, targets included."""
    shown: list[float] = []
    markers = "osD^vP*X"
    for n, p in enumerate(projections):
        s, colour = p.scenario, SERIES_COLOURS[n % len(SERIES_COLOURS)]
        axes.plot(
            p.years,
            p.measure,
            color=colour,
            marker=markers[n % len(markers)],
            markersize=5,
            linewidth=2,
            label=f"{s.name}: {verdict(p)}",
            zorder=5,
        )
        shown += [*p.measure, s.target.value_usd_m]
        if not shared:
            value = s.target.value_usd_m
            axes.axhline(value, color=colour, linestyle="--", linewidth=1.2, zorder=3)
            axes.plot(
                [s.by_year],
                [value],
                marker="*",
                markersize=16,
                color=colour,
                markeredgecolor="white",
                linestyle="none",
                zorder=6,
                label=f"{s.name}: target {value:,.0f} by {s.by_year}",
            )
    return shown


def _shared_record(projections: list[Projection]) -> list[dict[str, Any]]:
    """The scenarios' records as one: a year's value of one kind drawn once."""
    history: dict[tuple, dict[str, Any]] = {}
    for p in projections:
        for h in p.history():
            history.setdefault((h["year"], h["label"], h["total_usd_m"]), h)
    return list(history.values())


def _comparison_subtitles(c: Comparison, shared: bool) -> list[str]:
    """The closest scenario, whose target each is judged on, the first two notes."""
    return [
        f"Closest to its target: {c.closest().scenario.name}"
        + (f" ({c.closest_note()}). " if c.closest_note() else ". ")
        + (
            "Each scenario is judged on its own target (stars: target at its deadline)."
            if not shared
            else "All scenarios share one target and deadline."
        ),
        *(note[:1].upper() + note[1:] + "." for note in c.notes()[:2]),
    ]


def simulation_chart(sim: Simulation, path: Path, *, log: bool = False) -> bytes:
    """The P10-P90 fan and the median of the measure across draws, the record, the target."""
    s = sim.scenario
    chart = _Chart(path)
    axes = chart.axes
    low, mid, high = (sim.percentiles[q] for q in (10, 50, 90))
    axes.fill_between(
        sim.years, low, high, color=SKY, alpha=0.45, linewidth=0, label="P10-P90 of draws"
    )
    axes.plot(sim.years, mid, color=BLUE, linewidth=2.2, label="median (P50)", zorder=5)
    _frame(axes, s, sim.years, history_rows(s), [*low, *high], log)
    j = s.by_year - s.base_year
    chart.titles(
        f"How likely is the target? {s.name}",
        [
            f"P(target by {s.by_year}) = "
            f"{probability_text(sim.probability_at_deadline, sim.probability_se, None)} "
            f"({sim.draws:,} draws, seed {sim.seed}); in {s.by_year} the measure is "
            f"{low[j]:,.0f}-{high[j]:,.0f} US$ m in 8 draws out of 10.",
            "Spreads from the scenario's uncertainty block."
            if s.uncertainty is not None
            else "No uncertainty block: no spread.",
        ],
    )
    return chart.save(footer_text([src.id for src in s.sources], (), unverified_ids(s.sources)))


SHOCK_INPUTS = ("annual shocks",)
"""Inputs of the record's own swings, drawn on their own axis above the levers."""


def sensitivity_chart(doc: Mapping[str, Any], path: Path, *, top: int = 12) -> bytes:
    """Tornado of the `sensitivity` JSON: the measure at the deadline, each input low and high.

    The annual shocks, whose swing dwarfs every lever's, get their own panel and scale above
    the levers', so the levers can be compared with one another.
    """
    inputs = list(doc.get("inputs", []))
    shocks = [r for r in inputs if r["input"].startswith(SHOCK_INPUTS)]
    levers = [r for r in inputs if not r["input"].startswith(SHOCK_INPUTS)][:top]
    groups = [g for g in (shocks, levers) if g]
    base = float(doc["measure_at_by_year_usd_m"])
    by_year = doc.get("by_year")
    heights = tuple(0.6 + 0.45 * len(g) for g in groups) or (1.0,)
    size = (10.0, max(3.5, 0.6 * len(groups) + sum(heights)))
    chart = _Chart(path, size=size, panels=heights)
    notes = []
    for axes, rows in zip(chart.panels, groups, strict=False):
        notes.append(_tornado(axes, rows, base, doc.get("target_value_usd_m"), rows is shocks))
    if len(groups) > 1:
        chart.figure.subplots_adjust(hspace=0.35)
    chart.bottom.set_xlabel(f"measure in {by_year}, US$ million")
    chart.bottom.legend(loc="upper left", bbox_to_anchor=(0.0, -0.13 * 4 / max(heights[-1], 1)),
                        ncols=2, frameon=False)  # fmt: skip
    name = (doc.get("scenario") or {}).get("name", "")
    apart = " The annual shocks (top) have their own scale." if shocks and levers else ""
    chart.titles(
        f"{name}: what moves the measure in {by_year}",
        [
            f"Each input moved alone to its low and high value ({doc.get('spreads', '')}); "
            f"central measure {base:,.1f} US$ m (black line). {notes[-1]}{apart}",
            f"{len(shocks) + len(levers)} of {len(inputs)} inputs, widest swing first.",
        ],
    )
    return chart.save(footer_text([]), below=60)


def _tornado(axes, rows, base: float, target: float | None, labelled: bool) -> str:
    """One panel of the tornado: a bar pair per input around the central measure."""
    axes.grid(axis="x")
    axes.grid(axis="y", visible=False)
    positions = np.arange(len(rows))[::-1]
    for y, row in zip(positions, rows, strict=True):
        _swing(axes, y, row, base, labelled=labelled or y == positions[0])
    axes.axvline(base, color=BLACK, linewidth=1.2, zorder=4)
    axes.set_yticks(positions, [escape(str(row["input"])) for row in rows])  # user's names
    axes.set_ylim(positions.min() - 0.6, positions.max() + 0.6)
    axes.xaxis.set_major_formatter(_thousands())
    return _swing_scale(axes, rows, base, target)


def _swing(axes, y: float, row: Mapping[str, Any], base: float, labelled: bool) -> None:
    """One input's bars from the central measure to the measure at its low and its high value,
    each end labelled with the input's value (the legend's labels only if ``labelled``)."""
    for key, value_key, colour, label in (
        ("measure_low_usd_m", "low", BLUE, "input at its low value"),
        ("measure_high_usd_m", "high", ORANGE, "input at its high value"),
    ):
        end = float(row[key])
        axes.barh(
            y,
            end - base,
            left=base,
            height=0.6,
            color=colour,
            label=label if labelled else None,
            zorder=3,
        )
        value = row[value_key]
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        if row["input"].startswith("deal:") and value in (0.0, 1.0):
            shown = "fails" if value == 0.0 else "succeeds"  # bernoulli: all or nothing
        right = end > base or (end == base and value_key == "high")
        axes.annotate(
            shown,
            xy=(end, y),
            xytext=(4 if right else -4, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="center",
            fontsize=10,
            color="#333333",
        )


def _swing_scale(axes, rows, base: float, target: float | None) -> str:
    """The x range over every swing and the central measure, 15 % wider each side; the target
    dashed when it falls inside. The sentence that says where the target is, or empty."""
    lows = [min(float(r["measure_low_usd_m"]), float(r["measure_high_usd_m"])) for r in rows]
    highs = [max(float(r["measure_low_usd_m"]), float(r["measure_high_usd_m"])) for r in rows]
    span = max([*highs, base]) - min([*lows, base]) or 1.0
    axes.set_xlim(min([*lows, base]) - 0.15 * span, max([*highs, base]) + 0.15 * span)
    if target is None:
        return ""
    if min([*lows, base]) <= target <= max([*highs, base]) + 0.15 * span:
        axes.axvline(target, color=VERMILLION, linestyle="--", linewidth=1.6, zorder=4)
        return f"Dashed: the target, {target:,.0f}."
    return f"The target, {target:,.0f}, is off the scale."


def backtest_chart(doc: Mapping[str, Any], path: Path, *, log: bool = False) -> bytes:
    """The `backtest` JSON as a chart: the P10-P90 fan from ``from_year``, the median, the
    central path and the observed values (filled inside the band, crossed outside)."""
    rows = [r for r in doc.get("years", []) if r.get("year") is not None]
    fan = doc.get("path") or rows  # every year from the start (the fan opens there), if given
    chart = _Chart(path)
    axes = chart.axes

    def column(key: str, of=rows) -> list[float]:
        return [np.nan if r.get(key) is None else float(r[key]) for r in of]

    fan_years = [r["year"] for r in fan]
    low, mid, high = (column(k, fan) for k in ("p10_usd_m", "p50_usd_m", "p90_usd_m"))
    axes.fill_between(fan_years, low, high, color=SKY, alpha=0.45, linewidth=0, label="P10-P90")
    axes.plot(fan_years, mid, color=BLUE, linewidth=2.2, label="median (P50)", zorder=5)
    years = [r["year"] for r in rows]
    axes.plot(
        fan_years,
        column("projected_usd_m", fan),
        color=BLACK,
        linestyle="--",
        linewidth=1.4,
        label="central path",
        zorder=5,
    )
    observed = column("observed_usd_m")
    inside = [bool(r.get("inside_band")) for r in rows]
    for flag, marker, colour, label in (
        (True, "o", BLACK, "observed, inside the band"),
        (False, "X", VERMILLION, "observed, outside the band"),
    ):
        xs = [y for y, v, i in zip(years, observed, inside, strict=True) if i == flag]
        ys = [v for v, i in zip(observed, inside, strict=True) if i == flag]
        if xs:
            axes.scatter(xs, ys, marker=marker, s=60, color=colour, zorder=6, label=label)
    shown = [v for v in (*low, *high, *observed) if np.isfinite(v)]
    if fan_years:
        _year_axis(axes, min(fan_years), max(fan_years))
    _money_axis(axes, log, _positive(shown), max(shown, default=1.0))
    if doc.get("from_year") is not None:
        axes.axvline(doc["from_year"], color=GREY, linestyle=":", linewidth=1.2)
    _legend(axes)
    coverage, error = doc.get("coverage"), doc.get("mean_abs_log_error")
    facts = []
    if coverage is not None:
        facts.append(f"{100 * coverage:.0f} % of observed years inside P10-P90")
    if error is not None:
        facts.append(f"mean absolute log error {error:.3f}")
    reporter = doc.get("reporter")
    chart.titles(
        f"Backtest from {doc.get('from_year')}: the model against the record",
        [
            "; ".join(facts) + "." if facts else "",
            f"Observed values as reported by {reporter}." if reporter else "",
            "In-sample: the annual shock sd was calibrated on this same record."
            if doc.get("in_sample")
            else "",
        ],
    )
    return chart.save(footer_text([]))


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:,.0f}")
