"""Terminal charts (`--chart`): the measure against the target line, drawn with rich text.

A :class:`TermChart` is a rich renderable: it draws itself at the width of the console it is
printed to (at most 100 columns, so a chart fits 80), with a log scale when the values span
more than :data:`LOG_SPAN` times. Bars, P10-P90 bands and point markers are characters of one
cell each, so the chart reads the same with or without colour (a pipe, a golden file).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tradecalc.core.sanitize import clean

LOG_SPAN = 30.0
"""Largest over smallest positive value from which the y axis is logarithmic."""
HEIGHT = 14
MAX_WIDTH = 100
EIGHTHS = " ▁▂▃▄▅▆▇█"
MARKERS = "●▲■◆✚○"
STYLES = ("cyan", "magenta", "green", "yellow", "blue", "red")

Cell = tuple[str, str]


@dataclass
class Series:
    """Drawn once a year: a ``bar`` (from the axis up), a ``band`` (low to high) or a ``marker``."""

    name: str
    values: Mapping[int, float]
    kind: str = "bar"
    char: str = "█"
    style: str = "cyan"
    high: Mapping[int, float] = field(default_factory=dict)  # top of a band


@dataclass
class TargetLine:
    """A target drawn across the chart: its label, value and deadline."""

    label: str
    value_usd_m: float
    by_year: int
    style: str = "bold red"


@dataclass
class TermChart:
    """A chart of US$ m by year in character cells."""

    title: str
    years: list[int]
    series: list[Series]
    targets: list[TargetLine]
    log: bool | None = None  # None: decide from the values
    height: int = HEIGHT

    def __rich_console__(self, console, options):
        yield from self.lines(min(options.max_width, MAX_WIDTH))

    def values(self) -> list[float]:
        out = [t.value_usd_m for t in self.targets]
        for s in self.series:
            out += [*s.values.values(), *s.high.values()]
        return [v for v in out if v is not None and math.isfinite(v)]

    def is_log(self) -> bool:
        if self.log is not None:
            return self.log
        positive = [v for v in self.values() if v > 0]
        return bool(positive) and max(positive) / min(positive) >= LOG_SPAN

    def lines(self, width: int) -> list[Any]:
        """The chart as rich ``Text`` lines, ``width`` columns at most."""
        from rich.text import Text

        scale = _Scale(self.values(), self.is_log())
        ticks = scale.ticks(self.height)
        label_width = max(len(text) for _, text in ticks)
        slot = max(2, min(6, (width - label_width - 2) // max(1, len(self.years))))
        canvas = _Canvas(slot * len(self.years), self.height)
        centre = {year: i * slot + slot // 2 for i, year in enumerate(self.years)}
        self._draw_targets(canvas, scale, centre)
        for s in self.series:
            self._draw_series(canvas, scale, slot, centre, s)
        title = clean(self.title, 400)  # the user's name, escaped as the table above shows it
        out = [Text(title + (" (log scale)" if scale.log else ""), style="bold")]
        out += self._plot_rows(canvas, scale, ticks, label_width)
        out.append(Text(" " * (label_width + 1) + "└" + "─" * canvas.width, style="dim"))
        out.append(self._year_labels(label_width + 2, slot))
        out += self._legend(width)
        return out

    def _draw_targets(self, canvas: _Canvas, scale: _Scale, centre: Mapping[int, int]) -> None:
        """Each deadline as a dotted column, then each target as a dashed line across."""
        for t in self.targets:
            if t.by_year in centre:
                canvas.fill(range(canvas.height), [centre[t.by_year]], "┊", "dim")
        for t in self.targets:
            row = scale.row(t.value_usd_m, canvas.height)
            canvas.fill([row], range(canvas.width), "┄", t.style)

    def _draw_series(
        self, canvas: _Canvas, scale: _Scale, slot: int, centre: Mapping[int, int], s: Series
    ) -> None:
        """One series, year by year in its slot: a bar up to the value in eighths of a cell, a
        band from low to high, or a marker in the slot's centre."""
        bar_width = max(1, slot - 1)
        offset = (slot - bar_width) // 2
        for i, year in enumerate(self.years):
            value = s.values.get(year)
            if value is None or not math.isfinite(value):
                continue
            cols = range(i * slot + offset, i * slot + offset + bar_width)
            if s.kind == "bar":
                full, part = divmod(scale.eighths(value, canvas.height), 8)
                canvas.fill(range(full), cols, "█", s.style)
                if part:
                    canvas.fill([full], cols, EIGHTHS[part], s.style)
            elif s.kind == "band":
                top = s.high.get(year, value)
                bottom, top_row = scale.row(value, canvas.height), scale.row(top, canvas.height)
                canvas.fill(range(bottom, top_row + 1), cols, s.char, s.style)
            else:
                canvas.put(scale.row(value, canvas.height), centre[year], s.char, s.style)

    def _plot_rows(
        self, canvas: _Canvas, scale: _Scale, ticks: list[tuple[float, str]], label_width: int
    ) -> list[Any]:
        """The plot area from the top row down, each row after its tick label and the y axis."""
        from rich.text import Text

        tick_rows = {scale.row(value, canvas.height): text for value, text in ticks}
        out = []
        for r, cells in enumerate(canvas.cells):
            row = canvas.height - 1 - r
            line = Text(tick_rows.get(row, "").rjust(label_width) + " ", style="dim")
            line.append("┤" if row in tick_rows else "│", style="dim")
            for char, style in cells:
                line.append(char, style=style or None)
            line.rstrip()  # in place
            out.append(line)
        return out

    def _year_labels(self, indent: int, slot: int):
        from rich.text import Text

        deadlines = {t.by_year for t in self.targets}
        step = max(1, math.ceil(5 / slot))
        chars = [" "] * (slot * len(self.years) + 4)
        styles: list[tuple[int, int]] = []
        for i, year in enumerate(self.years):
            if i % step and year not in deadlines:
                continue
            start = i * slot + max(0, slot // 2 - 2)
            if any(c != " " for c in chars[max(0, start - 1) : start + 4]):
                continue
            chars[start : start + 4] = str(year)
            if year in deadlines:
                styles.append((indent + start, indent + start + 4))
        line = Text(" " * indent + "".join(chars).rstrip(), style="dim")
        for start, end in styles:
            line.stylize("bold", start, end)
        return line

    def _legend(self, width: int) -> list[Any]:
        from rich.text import Text

        entries = []
        for s in self.series:
            char = "█" if s.kind == "bar" else s.char
            entries.append((char, s.style, clean(s.name)))
        for t in self.targets:
            entries.append(("┄┄", t.style, clean(t.label)))
        if self.targets:
            entries.append(("┊", "dim", "deadline (year in bold)"))
        lines, line = [], Text()
        for char, style, name in entries:
            piece = len(char) + 1 + len(name)
            if line.cell_len and line.cell_len + 3 + piece > width:
                lines.append(line)
                line = Text()
            if line.cell_len:
                line.append("   ")
            line.append(char, style=style)
            line.append(" " + name)
        if line.cell_len:
            lines.append(line)
        return lines


class _Canvas:
    """The plot area: ``height`` rows of ``width`` character cells, row 0 at the bottom."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.cells: list[list[Cell]] = [[(" ", "")] * width for _ in range(height)]

    def put(self, row: int, col: int, char: str, style: str) -> None:
        """One cell; a cell outside the area is left out."""
        if 0 <= row < self.height and 0 <= col < self.width:
            self.cells[self.height - 1 - row][col] = (char, style)

    def fill(self, rows: Iterable[int], cols: Iterable[int], char: str, style: str) -> None:
        """Every cell of ``rows`` by ``cols``."""
        cols = list(cols)
        for row in rows:
            for col in cols:
                self.put(row, col, char, style)


class _Scale:
    """Maps US$ m to rows, linear from 0 or logarithmic, with 1-2-5 ticks."""

    def __init__(self, values: Iterable[float], log: bool):
        values = [v for v in values if math.isfinite(v)]
        positive = [v for v in values if v > 0] or [1.0]
        self.log = log
        if log:
            self.low = math.log10(min(positive) / 1.25)
            self.high = math.log10(max(positive) * 1.1)
        else:
            self.low = min(0.0, min(values, default=0.0))
            self.high = _nice_ceiling(max(values, default=1.0) * 1.05)
        if self.high <= self.low:
            self.high = self.low + 1.0

    def fraction(self, value: float) -> float:
        if self.log:
            value = math.log10(value) if value > 0 else self.low
        return min(1.0, max(0.0, (value - self.low) / (self.high - self.low)))

    def eighths(self, value: float, height: int) -> int:
        return round(self.fraction(value) * height * 8)

    def row(self, value: float, height: int) -> int:
        return min(height - 1, int(self.fraction(value) * height))

    def ticks(self, height: int) -> list[tuple[float, str]]:
        if self.log:
            values = [
                m * 10.0**e
                for e in range(math.floor(self.low) - 1, math.ceil(self.high) + 1)
                for m in (1, 2, 5)
            ]
            values = [v for v in values if self.low <= math.log10(v) <= self.high]
        else:
            step = _nice_ceiling((self.high - self.low) / 5)
            count = int((self.high - self.low) / step + 1e-9)
            values = [self.low + k * step for k in range(count + 1)]
        out, rows = [], set()
        for value in values:
            row = self.row(value, height)
            if row in rows:
                continue
            rows.add(row)
            out.append((value, f"{value:,.0f}" if value >= 1 or value == 0 else f"{value:g}"))
        return out or [(0.0, "0")]


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= value * (1 - 1e-12):
            return m * power
    return 10 * power


# --- charts of the commands ------------------------------------------------------------------


def _record(history: list[dict[str, Any]]) -> list[Series]:
    """The record as markers: one series per kind (own customs, mirror, ...)."""
    groups: dict[str, dict[int, float]] = {}
    for h in history:
        groups.setdefault(h["label"], {}).setdefault(h["year"], h["total_usd_m"])
    chars = "◆◇□△"
    return [
        Series(label, values, kind="marker", char=chars[n % len(chars)], style="bold")
        for n, (label, values) in enumerate(groups.items())
    ]


def _target(s) -> TargetLine:
    value = s.target.value_usd_m
    return TargetLine(f"target {value:,.0f} by {s.by_year}", value, s.by_year)


def _years(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


def projection_chart(p) -> TermChart:
    """`project --chart`: the measure as bars, the record as markers, the target line."""
    s = p.scenario
    history = p.history()
    first = min([int(p.years[0]), *(h["year"] for h in history)])
    measure = {int(y): float(v) for y, v in zip(p.years, p.measure, strict=True)}
    return TermChart(
        f"{s.name}: the measure against the target, US$ m",
        _years(first, int(p.years[-1])),
        [Series(f"central path ({', '.join(s.target.counts)})", measure), *_record(history)],
        [_target(s)],
    )


def comparison_chart(c) -> TermChart:
    """`compare --chart`: one marker per scenario and year, each scenario's own target."""
    series, targets, seen = [], [], set()
    for n, p in enumerate(c.projections):
        s = p.scenario
        char, style = MARKERS[n % len(MARKERS)], STYLES[n % len(STYLES)]
        values = {int(y): float(v) for y, v in zip(p.years, p.measure, strict=True)}
        series.append(Series(s.name, values, kind="marker", char=char, style=style))
        key = (s.target.value_usd_m, s.by_year)
        if key not in seen:
            seen.add(key)
            targets.append(
                TargetLine(f"target {key[0]:,.0f} by {key[1]}", *key, style=f"bold {style}")
            )
    if len(targets) > 1:  # say whose target each line is
        for t in targets:
            owners = [
                MARKERS[n % len(MARKERS)]
                for n, p in enumerate(c.projections)
                if (p.scenario.target.value_usd_m, p.scenario.by_year) == (t.value_usd_m, t.by_year)
            ]
            t.label += f" ({''.join(owners)})"
    years = c.years
    return TermChart(
        "The measure of each scenario against its target, US$ m",
        _years(years[0], years[-1]),
        series,
        targets,
    )


def simulation_chart(result) -> TermChart:
    """`simulate --chart`: the P10-P90 band, the median, the record, the target."""
    sim, history = result.simulation, list(result.history)
    s = sim.scenario
    years = [int(y) for y in sim.years]
    low = dict(zip(years, map(float, sim.percentiles[10]), strict=True))
    high = dict(zip(years, map(float, sim.percentiles[90]), strict=True))
    mid = dict(zip(years, map(float, sim.percentiles[50]), strict=True))
    first = min([years[0], *(h["year"] for h in history)])
    return TermChart(
        f"{s.name}: the measure across {sim.draws:,} draws, US$ m",
        _years(first, years[-1]),
        [
            Series("P10-P90", low, kind="band", char="░", style="cyan", high=high),
            Series("median", mid, kind="marker", char="●", style="bold cyan"),
            *_record(history),
        ],
        [_target(s)],
    )
