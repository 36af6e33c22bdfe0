"""The view of `backtest --rolling`: the out-of-sample scores and every forecast."""

from __future__ import annotations

from typing import Any

from tradecalc.views.render import TextTable, View
from tradecalc.views.words import percent, usd

ROLLING_METHODS = {"model": "model", "no_change": "no change", "drift": "drift"}


def rolling_view(doc: dict[str, Any]) -> View:
    """The scores of the model and the two naive forecasts, then every forecast."""
    scores = TextTable(
        f"Out-of-sample scores over {doc['n_forecasts']} forecasts (origins "
        f"{', '.join(str(o) for o in doc['origins'])}; 1-{doc['horizon']} years ahead)",
        ["Forecast", "In P10-P90 (80 %)", "In P5-P95 (90 %)", "Log score", "MAE log"],
        right={1, 2, 3, 4},
    )
    for method, label in ROLLING_METHODS.items():
        s = doc["scores"][method]
        scores.rows.append(
            [
                label,
                percent(s["coverage_p10_p90"], 0),
                percent(s["coverage_p5_p95"], 0),
                _log_score(s),
                f"{s['mae_log']:.3f}",
            ]
        )
    forecasts = TextTable(
        "Each forecast: observed against P10-P90, US$ m",
        ["Origin", "Year", "Observed", "Model", "No change", "Drift"],
        right={0, 1, 2, 3, 4, 5},
    )
    for f in doc["forecasts"]:
        forecasts.rows.append(
            [
                str(f["origin"]),
                str(f["year"]),
                usd(f["observed_usd_m"]),
                *(f"{usd(f[m]['p10_usd_m'])}-{usd(f[m]['p90_usd_m'])}" for m in ROLLING_METHODS),
            ]
        )
    return View(
        heading=f"Rolling back-test of {doc['scenario']['name']}",
        headline=_rolling_headline(doc),
        tables=[scores, forecasts],
    )


def _rolling_headline(doc: dict[str, Any]) -> list[tuple[str, str]]:
    estimates = "; ".join(
        f"{e['origin']}: sd {e['shock_sd']:.3f} from {e['changes']} changes"
        for e in doc["estimates"]
    )
    model = "random walk" if doc["shock_model"] == "random_walk" else "AR(1)"
    return [
        ("Scenario", doc["scenario"]["name"]),
        ("Record", f"{doc['reporter']}'s calendar-year totals ({doc['measure']})"),
        ("Draws", f"{doc['draws']:,} (seed {doc['seed']}) per origin"),
        (
            "Annual shocks",
            f"{model}; out of sample, estimated on records up to each origin only ({estimates})",
        ),
        (
            "Model",
            "the scenario's Monte Carlo rebased to each origin; point forecast its "
            "central path; growth is the scenario's assumption",
        ),
        (
            "Naive forecasts",
            "no change, and drift at the past mean growth; Student-t in the log level with "
            "the past changes' spread (n degrees of freedom for no change, n - 1 for drift: "
            "the error of an sd from n changes)",
        ),
        (
            "Log score",
            "mean log density of the observed log value (nats; higher is better); the model's "
            "from a Gaussian kernel density of its log draws (Silverman's bandwidth), ± its "
            "Monte Carlo error",
        ),
    ]


def _log_score(s: dict[str, Any]) -> str:
    """``"-1.91 ± 0.09"``: the mean log score, with its Monte Carlo error when it has one."""
    if s["log_score"] is None or not s["log_score"] > float("-inf"):
        return "-inf"
    se = s.get("log_score_se")
    return f"{s['log_score']:.2f}" + (f" ± {se:.2f}" if se is not None else "")
