"""Charts for `--plot FILE` (PNG, SVG or PDF by the file's suffix), drawn with matplotlib.

matplotlib is an optional extra (``pip install 'tradecalc[plot]'``), imported only here and
only when a chart is asked for.
"""

from __future__ import annotations

import io
from pathlib import Path

from tradecalc.comparison import Comparison
from tradecalc.montecarlo import Simulation
from tradecalc.projection import Projection
from tradecalc.yamlread import fail

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def _pyplot(path: Path):
    if path.suffix.lower() not in FORMATS:
        fail(f"--plot {path}", None, "", "the file must end in .png, .svg or .pdf")
    try:
        import matplotlib
    except ImportError:
        fail(f"--plot {path}", None, "", "needs matplotlib: pip install 'tradecalc[plot]'")
    matplotlib.use("Agg")
    # names and labels are the user's text: a "$" must not start mathtext (nor fail in it)
    matplotlib.rcParams["text.parse_math"] = False
    import matplotlib.pyplot as plt

    return plt


def _finish(plt, figure, axes, path: Path, target: float, by_year: int) -> bytes:
    axes.axhline(target, color="black", linestyle="--", linewidth=1, label="target")
    axes.axvline(by_year, color="grey", linestyle=":", linewidth=1, label="deadline")
    axes.set_xlabel("year")
    axes.set_ylabel("US$ million a year")
    axes.legend(loc="upper left", fontsize="small")
    axes.grid(alpha=0.3)
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format=FORMATS[path.suffix.lower()],
        bbox_inches="tight",
        metadata={"Date": None} if path.suffix.lower() == ".pdf" else None,
    )
    plt.close(figure)
    return buffer.getvalue()


def projection_chart(p: Projection, path: Path) -> bytes:
    """Stacked areas of what each lever adds to the measure, with the target."""
    plt = _pyplot(path)
    names = {
        "baseline_usd_m": "baseline",
        "pta_usd_m": "PTA",
        "tta_usd_m": "TTA",
        "deals_usd_m": "deals",
    }
    layers = {names[key]: layer for key, layer in p.measure_layers.items()}
    figure, axes = plt.subplots(figsize=(8, 4.5))
    axes.stackplot(p.years, *layers.values(), labels=list(layers), alpha=0.8)
    axes.set_title(f"{p.scenario.name}: trade the target counts")
    s = p.scenario
    return _finish(plt, figure, axes, path, s.target.value_usd_m, s.by_year)


def comparison_chart(c: Comparison, path: Path) -> bytes:
    """The measure of each scenario by year, with the first one's target."""
    plt = _pyplot(path)
    figure, axes = plt.subplots(figsize=(8, 4.5))
    for p in c.projections:
        axes.plot(p.years, p.measure, marker="o", markersize=3, label=p.scenario.name)
    axes.set_title("Trade the target counts, by scenario")
    first = c.projections[0].scenario
    return _finish(plt, figure, axes, path, first.target.value_usd_m, first.by_year)


def simulation_chart(sim: Simulation, path: Path) -> bytes:
    """The P10-P90 band, the median and the mean of the measure across draws."""
    plt = _pyplot(path)
    figure, axes = plt.subplots(figsize=(8, 4.5))
    axes.fill_between(
        sim.years, sim.percentiles[10], sim.percentiles[90], alpha=0.3, label="P10-P90"
    )
    axes.plot(sim.years, sim.percentiles[50], label="median")
    axes.plot(sim.years, sim.mean, linestyle="-.", label="mean")
    s = sim.scenario
    axes.set_title(
        f"{s.name}: {sim.draws:,} draws, P(target by {s.by_year}) = "
        f"{100 * sim.probability_at_deadline:.1f} %"
    )
    return _finish(plt, figure, axes, path, s.target.value_usd_m, s.by_year)
