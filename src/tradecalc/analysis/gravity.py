"""Gravity: estimate a structural gravity equation on a panel of flows (methods.md, Gravity).

The fit is Poisson pseudo-maximum likelihood (PPML; Santos Silva and Tenreyro 2006) or OLS of
the log of positive flows, with exporter-year and importer-year fixed effects (the multilateral
resistances; Yotov et al. 2016, ch. 1), from pyfixest (Bergé's fixest algorithm in Python).
Standard errors are clustered by the unordered pair (both directions one cluster), as in the
Advanced Guide, or heteroskedasticity-robust, each with Stata's small-sample factor for the
command the Guide used (:func:`small_sample`).

The input is a DataFrame in a panel's columns (``exporter, importer, year, value_usd_m,
pair_id`` and covariates); the result is a :class:`~tradecalc.analysis.gravity_result.GravityFit`.
pyfixest is imported inside :func:`fit`; its warnings and printing never reach the streams.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tradecalc.analysis.gravity_result import Coefficient, GravityFit
from tradecalc.core.errors import Problem, ScenarioError, install_hint

if TYPE_CHECKING:
    import pandas as pd

ESTIMATORS = ("ppml", "ols")
SE_KINDS = ("pair", "hetero")
FE_SETS = {
    ("exporter-year", "importer-year"),
    ("exporter", "importer"),
    ("exporter-year", "importer-year", "pair"),
    ("exporter", "importer", "pair"),
}
"""The fixed-effect sets a fit takes (pair: the directed pair, exporter -> importer)."""
DEFAULT_TERMS = ("log_dist", "cntg", "lang", "clny")
DEFAULT_FE = ("exporter-year", "importer-year")
FE_COLUMNS = {
    "exporter-year": "fe_exporter_year",
    "importer-year": "fe_importer_year",
    "exporter": "exporter",
    "importer": "importer",
    "pair": "fe_pair",
}
KEYS = ("exporter", "importer", "year", "value_usd_m")
"""The columns every panel has (values in US$ million)."""


@dataclass(frozen=True)
class GravitySpec:
    """What to fit: terms, fixed effects, estimator, years, sample and standard errors.

    ``years`` None is every year of the panel. ``se`` is ``pair`` (clustered by the unordered
    pair) or ``hetero`` (heteroskedasticity-robust).
    """

    terms: tuple[str, ...] = DEFAULT_TERMS
    fixed_effects: tuple[str, ...] = DEFAULT_FE
    estimator: str = "ppml"
    years: tuple[int, ...] | None = None
    with_domestic: bool = False
    se: str = "pair"


def refuse(option: str, message: str):
    """Raise the one-line error ``OPTION: message`` (exit 2)."""
    raise ScenarioError([Problem(option, None, "", message)])


def parse_years(text: str) -> tuple[int, ...]:
    """``1986,1990``, ``1986:2006:4`` (first:last:step) or ``2006`` -> the years, sorted.

    >>> parse_years("1986:2006:4")
    (1986, 1990, 1994, 1998, 2002, 2006)
    >>> parse_years("2006, 1990")
    (1990, 2006)
    """
    years: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        bounds = part.split(":")
        if not part or len(bounds) > 3 or not all(b.strip().isdigit() for b in bounds):
            refuse("--years", f"expected a list 1986,1990 or a range 1986:2006:4, got {part!r}")
        first, last, step = (int(b) for b in (*bounds, bounds[-1], "1")[:3])
        if len(bounds) == 1:
            last = first
        if last < first or step < 1:
            refuse("--years", f"{part!r} runs backwards or has a step under 1")
        years.update(range(first, last + 1, step))
    return tuple(sorted(years))


def parse_list(text: str) -> tuple[str, ...]:
    """``"a, b,c"`` -> ``("a", "b", "c")``.

    >>> parse_list("log_dist, cntg")
    ('log_dist', 'cntg')
    """
    return tuple(p.strip() for p in text.split(",") if p.strip())


def check_fixed_effects(names: tuple[str, ...]) -> tuple[str, ...]:
    """The fixed effects in their canonical order, or a one-line refusal."""
    order = ("exporter-year", "importer-year", "exporter", "importer", "pair")
    unknown = [n for n in names if n not in order]
    if unknown:
        refuse("--fe", f"unknown fixed effect {unknown[0]!r}: use {', '.join(order)}")
    canonical = tuple(n for n in order if n in names)
    if canonical not in FE_SETS:
        refuse(
            "--fe",
            "use exporter-year,importer-year or exporter,importer, optionally with pair",
        )
    return canonical


def design(frame: pd.DataFrame, spec: GravitySpec) -> pd.DataFrame:
    """The fit's sample: the years, international flows unless ``with_domestic``, each term as
    a column (``log_NAME`` = ln NAME, ``intl`` = 1 across a border) and the fixed effects'
    groups. Refuses a term the panel lacks, a log of a non-positive value, a sample with one
    economy or no variation."""
    import numpy as np

    missing = [c for c in KEYS if c not in frame.columns]
    if missing:
        refuse("--panel", f"not a panel of flows: no column {missing[0]}")
    years = spec.years if spec.years is not None else tuple(sorted(set(frame["year"])))
    absent = sorted(set(years) - set(int(y) for y in frame["year"].unique()))
    if absent:
        refuse("--years", f"the panel has no year {absent[0]}")
    rows = frame[frame["year"].isin(years)]
    if not spec.with_domestic:
        rows = rows[rows["exporter"] != rows["importer"]]
    rows = rows.reset_index(drop=True)
    sample = rows.loc[:, list(KEYS)].copy()
    sample["cluster_pair"] = _unordered_pair(sample)
    for term in spec.terms:
        sample[term] = _term_column(rows, term, np)
    if spec.estimator == "ols":  # zero flows stay in the sample, out of the fit
        positive = sample["value_usd_m"] > 0
        sample["log_value"] = np.log(sample["value_usd_m"].where(positive))
    _check_sample(sample, spec)
    year = sample["year"].astype(str)
    sample["fe_exporter_year"] = sample["exporter"] + ":" + year
    sample["fe_importer_year"] = sample["importer"] + ":" + year
    sample["fe_pair"] = sample["exporter"] + ":" + sample["importer"]
    _check_fixed_effects(sample, spec)
    return sample


def _check_fixed_effects(sample: pd.DataFrame, spec: GravitySpec) -> None:
    """Fewer fixed effects than flows, and every flow sharing each effect with another (a
    pair effect over one year would be the flow itself: nothing left to estimate)."""
    rows = sample if spec.estimator == "ppml" else sample[sample["value_usd_m"] > 0]
    levels = sum(rows[FE_COLUMNS[f]].nunique() for f in spec.fixed_effects)
    if levels + len(spec.terms) >= len(rows):
        refuse("--fe", f"too many fixed effects: {levels:,} for {len(rows):,} flows")
    for name in spec.fixed_effects:
        if rows[FE_COLUMNS[name]].value_counts().max() < 2:
            refuse("--fe", f"{name}: one flow per effect (one year?): nothing left to fit")


def _unordered_pair(sample: pd.DataFrame):
    """``AUT:DEU`` for both AUT -> DEU and DEU -> AUT: the cluster of a pair's two directions
    (the AGTPA panel's ``pair_id``)."""
    exporter, importer = sample["exporter"], sample["importer"]
    ordered = exporter <= importer
    return exporter.where(ordered, importer) + ":" + importer.where(ordered, exporter)


def _term_column(rows: pd.DataFrame, term: str, np) -> Any:
    """One term's values over the sample rows."""
    if term == "intl":
        return (rows["exporter"] != rows["importer"]).astype("int8")
    name = term.removeprefix("log_") if term.startswith("log_") else term
    if name in KEYS[:3] or name not in rows.columns:
        refuse("--terms", f"{term}: the panel has no covariate {name!r}")
    values = rows[name]
    if not np.issubdtype(values.dtype, np.number):
        refuse("--terms", f"{term}: column {name!r} is not numeric")
    if values.isna().any():
        refuse("--terms", f"{term}: column {name!r} has missing values in the sample")
    if term.startswith("log_"):
        if (values <= 0).any():
            count = int((values <= 0).sum())
            refuse("--terms", f"{term}: {name} is zero or negative in {count:,} rows")
        return np.log(values.astype("float64"))
    return values


def _check_sample(sample: pd.DataFrame, spec: GravitySpec) -> None:
    economies = set(sample["exporter"]) | set(sample["importer"])
    if len(economies) < 2:
        refuse("--panel", f"too small to fit: {len(economies)} economy in the sample")
    if spec.terms and len(sample) <= len(spec.terms):
        refuse("--panel", f"too small to fit: {len(sample)} flows for {len(spec.terms)} terms")
    positive = int((sample["value_usd_m"] > 0).sum())
    if positive == 0:
        refuse("--panel", "no variation: every flow in the sample is zero")
    if spec.estimator == "ols" and positive <= len(spec.terms):
        refuse("--panel", f"too small to fit: {positive} positive flows for OLS")
    if sample["value_usd_m"].nunique() < 2:
        refuse("--panel", "no variation: every flow in the sample is the same")
    for term in spec.terms:
        if sample[term].nunique() < 2:
            hint = ": add --with-domestic" if term == "intl" and not spec.with_domestic else ""
            refuse("--terms", f"{term}: no variation in the sample (one value throughout){hint}")


def fit(frame: pd.DataFrame, spec: GravitySpec, panel: dict[str, Any]) -> GravityFit:
    """Estimate ``spec`` on ``frame`` (a panel's rows); ``panel`` names it (id, title,
    licence, attribution) for the output.

    Zero flows stay in a PPML fit; OLS leaves them out (``zero_flows_dropped`` counts the
    sample's flows outside the fit: OLS's zeros, or the zeros PPML separates out because their
    exporter or importer trades nothing in the year). Refuses, one line each: pyfixest not
    installed, a term the panel lacks, a sample too small or without variation, a term
    collinear with the fixed effects or the other terms.
    """
    sample = design(frame, spec)
    data = sample[sample["value_usd_m"] > 0] if spec.estimator == "ols" else sample
    model = _estimate(data, spec)
    names = [str(n) for n in model._coefnames]
    dropped = [t for t in spec.terms if t not in names]
    if dropped:
        refuse("--terms", f"{dropped[0]}: collinear with the fixed effects or the other terms")
    n_obs = len(model._data)
    estimates, errors = model.coef(), model.se() * _se_factor(spec, n_obs)
    coefficients = tuple(Coefficient(t, float(estimates[t]), float(errors[t])) for t in spec.terms)
    years = spec.years if spec.years is not None else tuple(sorted(set(frame["year"])))
    flows = _flows(sample, data.index[model._data.index], model, spec)
    return GravityFit(
        estimator=spec.estimator,
        terms=spec.terms,
        coefficients=coefficients,
        n_obs=n_obs,
        fixed_effects=spec.fixed_effects,
        years=tuple(int(y) for y in years),
        with_domestic=spec.with_domestic,
        se=spec.se,
        panel=dict(panel),
        zero_flows_dropped=int((~flows["in_fit"]).sum()),
        flows=flows,
    )


def _estimate(sample: pd.DataFrame, spec: GravitySpec):
    """pyfixest's fit of the sample, with its warnings and printing kept off the streams."""
    try:
        import pyfixest
    except ImportError:
        refuse("gravity", f"needs pyfixest: {install_hint('pyfixest', 'gravity')}")
    rhs = " + ".join(spec.terms) or "1"
    fe = " + ".join(FE_COLUMNS[f] for f in spec.fixed_effects)
    lhs = "value_usd_m" if spec.estimator == "ppml" else "log_value"
    vcov = {"CRV1": "cluster_pair"} if spec.se == "pair" else "hetero"
    estimator = pyfixest.fepois if spec.estimator == "ppml" else pyfixest.feols
    with _quiet():
        try:
            return estimator(
                f"{lhs} ~ {rhs} | {fe}", data=sample, vcov=vcov, ssc=small_sample(spec, pyfixest)
            )
        except Exception as error:  # pyfixest's own refusals: one line, not a traceback
            message = " ".join(str(error).split())[:300] or type(error).__name__
            if "collinear" in message.lower():
                terms = ", ".join(spec.terms)
                refuse("--terms", f"{terms}: all collinear with the fixed effects or each other")
            refuse("--panel", f"cannot fit: {message}")


@contextlib.contextmanager
def _quiet():
    """No warning and no printing of the library reaches stdout or stderr."""
    import io
    import warnings

    sink = io.StringIO()
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(sink),
        contextlib.redirect_stderr(sink),
    ):
        warnings.simplefilter("ignore")
        yield


def small_sample(spec: GravitySpec, pyfixest):
    """Stata's small-sample factor for the command the Advanced Guide ran.

    PPML (Stata's ``ppml``, a GLM): G/(G-1) for clusters, N/(N-1) for robust errors (applied
    in :func:`_se_factor`), no count of regressors. OLS (``regress`` with the fixed effects as
    dummies): G/(G-1)·(N-1)/(N-K), K counting every fixed effect (pyfixest's default).
    """
    if spec.estimator == "ppml":
        return pyfixest.ssc(k_adj=False, G_adj=True)
    return pyfixest.ssc(k_adj=True, k_fixef="nonnested", G_adj=True)


def _se_factor(spec: GravitySpec, n_obs: int) -> float:
    """N/(N-1) on the variance of PPML's robust errors (Stata's ML-robust factor), as a
    factor on the standard error; 1 otherwise."""
    if spec.estimator == "ppml" and spec.se == "hetero":
        return (n_obs / (n_obs - 1)) ** 0.5
    return 1.0


def _flows(sample: pd.DataFrame, used, model, spec: GravitySpec) -> pd.DataFrame:
    """The sample's directed flows with their fitted values in US$ million and whether each
    is in the fit: PPML's rows less any it separated out; OLS's positive rows, and its zero
    rows predicted from the same fixed effects (exp of the linear prediction). ``used``: the
    sample's labels of the fit's rows (pyfixest numbers the rows it keeps by position)."""
    import numpy as np

    flows = sample.loc[:, ["exporter", "importer", "year", "value_usd_m"]].copy()
    flows["in_fit"] = flows.index.isin(used)
    flows["fitted_usd_m"] = np.nan
    if spec.estimator == "ppml":
        fitted = np.asarray(model.predict(type="response"), dtype=float)
    else:
        fitted = np.exp(np.asarray(model.predict(), dtype=float))
    flows.loc[used, "fitted_usd_m"] = fitted
    if not np.isfinite(fitted).all():
        refuse("--panel", "the fit did not converge to finite fitted values")
    outside = flows.index[~flows["in_fit"]]
    if spec.estimator == "ols" and len(outside):
        with _quiet():
            predicted = model.predict(newdata=sample.loc[outside])
        flows.loc[outside, "fitted_usd_m"] = np.exp(np.asarray(predicted, dtype=float))
    return flows.reset_index(drop=True)
