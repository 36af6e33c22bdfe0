"""Which view, --plot chart, --chart and workbook show each kind of result. The views are
imported only when a result is shown, so a command's start-up does not pay for them."""

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple


class Renderers(NamedTuple):
    """How one kind of result is shown: ``view(result, width)`` for the table and Markdown;
    ``chart(result, path, log)`` for --plot; ``terminal(result)`` for --chart;
    ``workbook(result)`` for xlsx (default: the JSON document as sheets)."""

    view: Callable[[Any, int | None], Any]
    chart: Callable[[Any, Path, bool], bytes] | None = None
    terminal: Callable[[Any], Any] | None = None
    workbook: Callable[[Any], bytes] = lambda result: _document_workbook(result)


def renderers_of(result: Any) -> Renderers:
    """The renderers of a result, by its type."""
    return _RENDERERS[type(result).__name__]()


def _document_workbook(result: Any) -> bytes:
    from tradecalc.views import xlsx

    return xlsx.document_workbook(result.to_dict(), "")


def _projection() -> Renderers:
    def chart(p: Any, path: Path, log: bool) -> bytes:
        from tradecalc.views.charts.projection import projection_chart

        return projection_chart(p, path, log=log)

    def terminal(p: Any) -> Any:
        from tradecalc.views import termchart

        return termchart.projection_chart(p)

    def workbook(p: Any) -> bytes:
        from tradecalc.views import xlsx

        return xlsx.projection_workbook(p, p.to_dict())

    from tradecalc.views.project_view import projection_view

    return Renderers(lambda p, width: projection_view(p), chart, terminal, workbook)


def _comparison() -> Renderers:
    def chart(c: Any, path: Path, log: bool) -> bytes:
        from tradecalc.views.charts.comparison import comparison_chart

        return comparison_chart(c, path, log=log)

    def terminal(c: Any) -> Any:
        from tradecalc.views import termchart

        return termchart.comparison_chart(c)

    def workbook(c: Any) -> bytes:
        from tradecalc.views import xlsx

        return xlsx.comparison_workbook(c)

    from tradecalc.views.compare_view import comparison_view

    return Renderers(comparison_view, chart, terminal, workbook)


def _sweep() -> Renderers:
    from tradecalc.views.sweep_view import sweep_view

    return Renderers(lambda s, width: sweep_view(s))


def _simulation() -> Renderers:
    def chart(sim: Any, path: Path, log: bool) -> bytes:
        from tradecalc.views.charts.simulation import simulation_chart

        return simulation_chart(sim, path, log=log)

    def terminal(sim: Any) -> Any:
        from tradecalc.views import termchart

        return termchart.simulation_chart(sim)

    from tradecalc.views.simulate_view import simulation_view

    return Renderers(lambda sim, width: simulation_view(sim), chart, terminal)


def _solution() -> Renderers:
    from tradecalc.views.solve_view import solution_view

    return Renderers(lambda sol, width: solution_view(sol))


def _sensitivity() -> Renderers:
    def chart(doc: Any, path: Path, log: bool) -> bytes:
        from tradecalc.views.charts.sensitivity import sensitivity_chart

        return sensitivity_chart(doc, path)

    from tradecalc.views.sensitivity_view import sensitivity_view

    return Renderers(lambda doc, width: sensitivity_view(doc), chart)


def _backtest() -> Renderers:
    def chart(doc: Any, path: Path, log: bool) -> bytes:
        from tradecalc.views.charts.backtest import backtest_chart

        return backtest_chart(doc, path, log=log)

    from tradecalc.views.backtest_view import backtest_view

    return Renderers(lambda doc, width: backtest_view(doc), chart)


def _rolling() -> Renderers:
    def chart(doc: Any, path: Path, log: bool) -> bytes:
        from tradecalc.views.charts.rolling import rolling_chart

        return rolling_chart(doc, path, log=log)

    from tradecalc.views.rolling_view import rolling_view

    return Renderers(lambda doc, width: rolling_view(doc), chart)


def _explanation() -> Renderers:
    from tradecalc.views.explain_view import explanation_view

    return Renderers(lambda doc, width: explanation_view(doc))


def _headroom() -> Renderers:
    def chart(doc: Any, path: Path, log: bool) -> bytes:
        from tradecalc.views.charts.headroom import headroom_chart

        return headroom_chart(doc, path, top=doc.top)

    def workbook(doc: Any) -> bytes:
        from tradecalc.views import xlsx

        return xlsx.headroom_workbook(doc)

    from tradecalc.views.headroom_view import headroom_view

    return Renderers(lambda doc, width: headroom_view(doc), chart, None, workbook)


def _targets() -> Renderers:
    from tradecalc.views.targets_view import targets_view

    return Renderers(lambda doc, width: targets_view(doc))


def _panel_list() -> Renderers:
    from tradecalc.views.panel_view import list_view

    return Renderers(lambda r, width: list_view(r))


def _panel_series() -> Renderers:
    from tradecalc.views.panel_view import series_view

    return Renderers(lambda r, width: series_view(r))


def _gravity_fit() -> Renderers:
    from tradecalc.views.gravity_view import fit_view

    return Renderers(lambda fit, width: fit_view(fit))


def _normal_level() -> Renderers:
    from tradecalc.views.gravity_view import normal_view

    return Renderers(lambda normal, width: normal_view(normal))


_RENDERERS: dict[str, Callable[[], Renderers]] = {
    "Projection": _projection,
    "Comparison": _comparison,
    "Sweep": _sweep,
    "SimulationResult": _simulation,
    "Solution": _solution,
    "Sensitivity": _sensitivity,
    "Backtest": _backtest,
    "RollingBacktest": _rolling,
    "Explanation": _explanation,
    "Headroom": _headroom,
    "Targets": _targets,
    "PanelList": _panel_list,
    "PanelSeries": _panel_series,
    "GravityFit": _gravity_fit,
    "NormalLevel": _normal_level,
}
"""Result type name -> its renderers (by name: the result classes are imported only when run)."""
