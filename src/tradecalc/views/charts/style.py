"""The house style of the charts (`--plot FILE`: PNG, SVG or PDF by the file's suffix): the
palette, the rc style, the figure and the axes every chart shares.

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
from typing import Any

import numpy as np

from tradecalc.core.errors import install_hint, usage_error
from tradecalc.core.sanitize import escape, has_unsafe

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


def pyplot(path: Path):
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


class Chart:
    """A figure with a title block above the axes and a footer below, in the house style."""

    def __init__(
        self,
        path: Path,
        size: tuple[float, float] = SIZE,
        panels: tuple[float, ...] = (1.0,),
        style: Mapping[str, Any] | None = None,
    ):
        self.path = path
        self.plt = pyplot(path)
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


def money_axis(axes, log: bool, low: float, high: float) -> None:
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


def year_axis(axes, first: int, last: int) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.set_xlim(first - 0.5, last + 0.5)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=14))


def target_line(axes, value: float, by_year: int, colour: str = BLACK, label: str | None = None):
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


def record_points(axes, history: list[dict[str, Any]]) -> list[float]:
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


def legend(axes, stacked=()) -> None:
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


def positive(values) -> float:
    array = np.asarray([v for v in values if v is not None], dtype=float)
    array = array[array > 0]
    return float(array.min()) if array.size else 1.0


def frame_axes(axes, scenario, years, history, shown: list[float], log: bool, stacked=()) -> None:
    """Around one scenario's drawn lines (their values ``shown``): the record, the year and
    money axes, the target and deadline, and the legend (``stacked`` bands listed first)."""
    shown = [*shown, *record_points(axes, history)]
    first = min([int(years[0]), *(h["year"] for h in history)])
    year_axis(axes, first, int(years[-1]))
    target = scenario.target.value_usd_m
    money_axis(axes, log, positive(shown), max([target, *shown]))
    target_line(axes, target, scenario.by_year)
    legend(axes, stacked)


def panel_title(axes, text: str) -> None:
    axes.set_title(text, loc="left", fontsize=plt_size("axes.labelsize"), color="#333333", pad=4)


def plt_size(key: str) -> float:
    """A font size of the rc style in force, in points."""
    import matplotlib
    from matplotlib.font_manager import FontProperties

    size = matplotlib.rcParams[key]  # type: ignore[index]  # the stubs list literal keys only
    return FontProperties(size=size).get_size_in_points()


def side_legend(axes) -> None:
    """The panel's legend right of it, outside the plot (none with nothing labelled)."""
    if not axes.get_legend_handles_labels()[0]:
        return
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, borderaxespad=0.0)


def thousands_or_tenths():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 10 or v == 0 else f"{v:,.1f}")


def thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:,.0f}")
