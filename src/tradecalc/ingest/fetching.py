"""`tradecalc fetch` as a library: check the request, read saved answers or call Comtrade,
build the data file (:mod:`~tradecalc.ingest.datafile_writer`).

Bad arguments and bad files raise :class:`~tradecalc.core.errors.ScenarioError` (exit 2);
a failing network raises :class:`~tradecalc.ingest.comtrade.FetchError` (exit 1).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.ingest.codes import comtrade_code
from tradecalc.ingest.datafile_writer import Built, Origin, build, unused_problems
from tradecalc.ingest.refusals import fold, no_rows, years_outside
from tradecalc.ingest.responses import read_response_file, unique, with_lines

FIRST_YEAR = 1962
"""Comtrade's annual series start in 1962."""

DETAILS = ("total", "hs2", "hs4")


def latest_complete_year(today: dt.date | None = None) -> int:
    """The last calendar year whose annual data can be complete: the year before this one."""
    return (today or dt.date.today()).year - 1


def check_pair(economies: list[str]) -> tuple[str, str]:
    """Two distinct ISO 3166 alpha-3 codes that Comtrade knows, upper-cased."""
    codes = [c.strip().upper() for c in economies]
    problems = []
    if len(codes) != 2 or codes[0] == codes[1]:
        problems.append(Problem("--economies", None, "", "give two different economy codes"))
    for code in dict.fromkeys(codes):
        if not re.fullmatch(r"[A-Z]{3}", code) or comtrade_code(code) is None:
            problems.append(
                Problem("--economies", None, "", f"{code!r} is not an ISO 3166 alpha-3 code")
            )
    if problems:
        raise ScenarioError(problems)
    return codes[0], codes[1]


def parse_year_span(text: str | None, latest: int) -> list[int] | None:
    """``2000-2024`` or ``2023`` -> the years; None -> None (the caller's default)."""
    if text is None:
        return None
    found = re.fullmatch(r"\s*([0-9]{4})\s*(?:[-:]\s*([0-9]{4})\s*)?", text)
    if not found:
        raise ScenarioError(
            [Problem("--years", None, "", f"expected FIRST-LAST such as 2000-2024, got {text!r}")]
        )
    first, last = int(found[1]), int(found[2] or found[1])
    if first > last:
        raise ScenarioError(
            [Problem("--years", None, "", f"{first} is after {last}: give FIRST-LAST")]
        )
    if first < FIRST_YEAR or last > latest:
        raise ScenarioError(
            [
                Problem(
                    "--years",
                    None,
                    "",
                    f"Comtrade's annual data run from {FIRST_YEAR} to {latest}, got {text.strip()}",
                )
            ]
        )
    return list(range(first, last + 1))


def from_files(
    pair: tuple[str, str],
    files: list[Path],
    years: list[int] | None,
    detail: str = "total",
    world: bool = False,
    products_optional: bool = False,
) -> Built:
    """The data file from saved answers (JSON envelopes or CSV downloads); exit 2 on bad input.

    ``products_optional``: files without product rows give a data file without them (init).
    """
    try:
        rows, origins = _read(files, pair, detail, world)
    except ScenarioError as error:
        raise ScenarioError(fold(error.problems)) from None
    if years is not None and not {r.year for r in rows} & set(years):
        raise ScenarioError([years_outside(years, {r.year for r in rows}, len(files) > 1)])
    built = build(pair, rows, origins, years, detail, world)
    if products_optional and not built.document.get("products", {}).get("rows"):
        built.document.pop("products", None)
        detail = "total"
    require(built, pair, detail, world, "--from-file", ScenarioError)
    return built


def _read(files: list[Path], pair, detail: str, world: bool) -> tuple[list, dict]:
    """Every file's rows, if every one of them counts; else every problem, at its line."""
    rows, origins, texts, problems = [], {}, {}, []
    for path in files:
        name = str(path)
        try:
            found, data = read_response_file(path, name)
        except ScenarioError as error:
            problems += error.problems
            continue
        origins[name], texts[name] = Origin.of_file(path.name, data), data
        rows += found
    if problems:
        raise ScenarioError(problems)
    if not rows:
        raise ScenarioError([no_rows(str(path)) for path in files])
    try:
        return _usable(unique(rows), pair, detail, world), origins
    except ScenarioError:  # again, with the line of every row named
        _usable(unique(with_lines(rows, texts)), pair, detail, world)
        raise


def _usable(rows: list, pair, detail: str, world: bool) -> list:
    """The rows, if every one of them counts in the data file; else every problem."""
    problems = unused_problems(rows, pair, detail, world)
    if problems:
        raise ScenarioError(problems)
    return rows


def require(built: Built, pair, detail: str, world: bool, where: str, error_type) -> None:
    """Refuse a data file with nothing for what was asked."""
    a, b = pair
    problems = []
    if not built.document["history"]:
        problems.append(
            f"no year in which {a} or {b} reported both imports from and exports to the other"
        )
    products = built.document.get("products")
    if detail != "total" and products is not None and not products["rows"]:
        problems.append(f"no {detail} rows of {a} or {b} for {built.base_year}")
    if world and products is not None and not products.get("world"):
        problems.append(f"no {detail} world export rows for {built.base_year}")
    if problems:
        raise error_type([Problem(where, None, "", p) for p in problems])
