"""`tradecalc fetch`: a pair's record (and its products) from UN Comtrade or saved answers, as a
YAML data file that scenarios `extends:`.

Annotations are real objects here, not strings: typer reads them at every start.
"""

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from tradecalc.cli.errors import handled, report_problems
from tradecalc.core.errors import ExitStatus, Problem, ScenarioError, UsageError


class Detail(str, Enum):
    """Product detail: the total only, HS chapters or HS headings."""

    total = "total"
    hs2 = "hs2"
    hs4 = "hs4"


def two_codes(value: tuple[str, str] | None):
    """``--economies PAK --from-file F`` would take ``--from-file`` as the second code."""
    if value is not None and any(v.startswith("-") for v in value):
        raise typer.BadParameter("give two economy codes, e.g. --economies PAK AZE")
    return value


EconomiesOption = Annotated[
    tuple[str, str],
    typer.Option(
        "--economies",
        metavar="CODE CODE",
        callback=two_codes,
        help="The two economies, ISO 3166 alpha-3 codes, e.g. --economies PAK AZE.",
    ),
]
DataOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the YAML data file to FILE (.yaml or .yml; atomically) instead of stdout.",
    ),
]
FromFileOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--from-file",
        metavar="FILE",
        help="Read a saved API answer (JSON) or CSV download instead of the network "
        "(repeatable: one file per call, or both reporters in one).",
    ),
]


def fetch(
    economies: EconomiesOption,
    years: Annotated[
        str | None,
        typer.Option(
            "--years",
            metavar="FIRST-LAST",
            help="Years, e.g. 2000-2024 (default: 2000 to the latest complete year; with "
            "--from-file every year in the files).",
        ),
    ] = None,
    detail: Annotated[
        Detail,
        typer.Option("--detail", help="Also the base year's trade by HS chapter or heading."),
    ] = Detail.total,
    world: Annotated[
        bool, typer.Option("--world", help="Also every reporter's exports to the world by product.")
    ] = False,
    from_file: FromFileOption = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Use the cache only; say what is missing.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Download again, ignoring the cache.")
    ] = False,
    output: DataOutputOption = None,
) -> None:
    """Fetch a pair's trade record from UN Comtrade into a data file that scenarios extend.

    Both reporters' imports (CIF) and exports (FOB) with each other per calendar year, each
    value citing its request (never an API key) and date; a year or flow not reported gets no
    entry and one warning. Keyless preview by default; COMTRADE_API_KEY for the keyed API.
    Answers are cached (--offline, --refresh). Exit 1 if Comtrade cannot be used.

    Example:

        tradecalc fetch --economies PAK AZE --years 2019-2023 -o pak-aze-data.yaml
    """
    from tradecalc.ingest import fetching

    with handled([("--output", output)], [str(p) for p in from_file or ()]):
        _check_flags(from_file, offline, refresh, world, detail, output)
        pair = fetching.check_pair(list(economies))
        latest = fetching.latest_complete_year()
        wanted = fetching.parse_year_span(years, latest)
        if from_file:
            built = fetching.from_files(pair, list(from_file), wanted, detail.value, world)
        else:
            built = _from_network(
                pair, wanted or list(range(2000, latest + 1)), detail, world, offline, refresh
            )
        from tradecalc.ingest.datafile_writer import to_yaml, write_data_file

        _warn(built, from_file, output)
        if output is None:  # on stdout the product rows stay in the YAML
            sys.stdout.write(to_yaml(built.document))
            sys.stdout.flush()
        else:  # product rows to a Parquet file beside it (products.file)
            write_data_file(built.document, output)


def _warn(built, from_file: list[Path] | None, output: Path | None) -> None:
    """The warnings of a fetch, each named by its data source: the ``--from-file`` file(s),
    else the data file written (``-`` for stdout)."""
    if from_file:
        where = ", ".join(str(p) for p in from_file)
    else:
        where = str(output) if output is not None else "-"
    report_problems([Problem(where, None, path, f"warning: {w}") for path, w in built.warnings])


def _check_flags(from_file, offline, refresh, world, detail: Detail, output=None) -> None:
    from tradecalc.core.errors import ScenarioError

    problems = []
    if output is not None and output.suffix.lower() not in (".yaml", ".yml"):
        what = f"not {output.suffix}" if output.suffix else "a name without a suffix"
        message = f"fetch writes a YAML data file: name it .yaml or .yml ({what})"
        problems.append(Problem("--output", None, "", message))
    if from_file and (offline or refresh):
        problems.append(
            Problem("--from-file", None, "", "reads files only: drop --offline/--refresh")
        )
    if offline and refresh:
        problems.append(Problem("--offline", None, "", "cannot be used with --refresh"))
    if world and detail is Detail.total:
        problems.append(Problem("--world", None, "", "needs --detail hs2 or hs4"))
    if problems:
        raise ScenarioError(problems)


def _from_network(pair, years, detail, world, offline, refresh, *, optional=False):
    from tradecalc.ingest.comtrade import FetchError, from_api

    try:
        return from_api(
            pair,
            years,
            detail.value,
            world,
            key=os.environ.get("COMTRADE_API_KEY") or None,
            offline=offline,
            refresh=refresh,
            products_optional=optional,
        )
    except FetchError as error:
        report_problems(error.problems)
        raise typer.Exit(ExitStatus.ERROR) from None


def init_from_data(
    economies, target, by, base_year, name, output, from_file, fetch_data, detail=None, world=False
) -> None:
    """`tradecalc init --from-file F... | --fetch`: a data file beside the starter it extends.

    With ``-o pak-uzb.yaml`` the data go to ``pak-uzb-data.yaml`` in the same folder (neither
    file may exist: init never overwrites), and the starter's `extends:` names it. A data file
    that already exists is extended as it is, not written again: one given to ``--from-file``
    (what `fetch` wrote), or ``pak-uzb-data.yaml`` beside ``-o`` where no answers are given.
    ``detail`` (None: HS chapters where the answers hold them) and ``world`` are fetch's.
    """
    from tradecalc.ingest import fetching
    from tradecalc.ingest.datafile_writer import to_yaml

    data_path = _data_path(output)
    with handled([("--output", output), ("--output (data file)", data_path)]):
        if from_file and fetch_data:
            raise UsageError("--fetch", "give --fetch or --from-file, not both")
        refuse_non_yaml(output)
        if output.exists():
            raise UsageError(f"--output {output}", "exists already: init never overwrites")
        pair = fetching.check_pair(list(economies))
        names = _names(name)
        given = given_data_file(list(from_file or ()), data_path)
        if given is not None:
            option = "--from-file" if from_file else "--output (data file)"
            return _init_extending(pair, given, target, by, base_year, names, output, option)
        if data_path.exists():
            way = f"give --from-file {data_path} to start from it, or another -o"
            raise UsageError(
                f"--output {data_path}", f"exists already: init never overwrites ({way})"
            )
        optional = detail is None
        chosen = Detail.hs2 if detail is None else detail
        _check_flags(from_file, False, False, world, chosen)
        if from_file:
            files = list(from_file)
            built = fetching.from_files(
                pair, files, None, chosen.value, world, products_optional=optional
            )
        else:
            years = list(range(2000, fetching.latest_complete_year() + 1))
            built = _from_network(pair, years, chosen, world, False, False, optional=optional)
        text = to_yaml(built.document)
        starter, warnings = _starter_of(
            data_path, text, data_path.name, target, by, base_year, names, output
        )
        _warn(built, from_file, data_path)
        report_problems(warnings)
        _write_pair(data_path, text, output, starter)


def given_data_file(files: list[Path], beside: Path) -> Path | None:
    """The tradecalc data file to extend: a ``.yaml``/``.yml`` given to ``--from-file`` (alone:
    answers are read into a new data file, a data file is extended as it is), else, where no
    file is given, the data file ``beside`` the starter if `fetch` wrote one there."""
    from tradecalc.scenario.datafile_reader import is_data_file, read_file_tree

    yaml_files = [f for f in files if f.suffix.lower() in (".yaml", ".yml")]
    if yaml_files and len(files) > 1:
        message = "a data file (.yaml) is extended as it is: give it alone, or only answers"
        raise UsageError(f"--from-file {yaml_files[0]}", message)
    if yaml_files:
        return yaml_files[0]
    if files or not beside.is_file():
        return None
    try:
        return beside if is_data_file(read_file_tree(beside)) else None
    except ScenarioError:
        return None


def _init_extending(
    pair, data_path: Path, target, by, base_year, names, output: Path, option: str
) -> None:
    """The starter alone, `extends:` an existing data file (checked as a data file first);
    ``option`` names where the file came from in a refusal."""
    import os

    from tradecalc.scenario.datafile_reader import read_data_file
    from tradecalc.scenario.yamlread import display_name, read_text

    file = display_name(data_path)
    text = read_text(data_path, file, regular_only=True)
    data, _ = read_data_file(data_path, text)
    held = tuple(e.code for e in data.economies)
    if set(held) != set(pair):
        message = f"holds {' and '.join(held)}, not {' and '.join(pair)}: give its economies"
        raise UsageError(f"{option} {file}", message)
    relative = Path(os.path.relpath(data_path.resolve(), output.resolve().parent)).as_posix()
    starter, warnings = _starter_of(data_path, text, relative, target, by, base_year, names, output)
    note = (
        f"warning: starts from {file} as it is (extends: {relative}); nothing fetched or rewritten"
    )
    report_problems([Problem(str(output), None, "extends", note), *warnings])
    from tradecalc.core.safeio import write_new

    write_new(output, starter, refusal="exists already: init never overwrites")


def _starter_of(data_path, text, extends, target, by, base_year, names, output):
    """The starter extending the data file ``text`` (named ``extends`` in it), and the
    warnings (problems) on its baseline reporter and base year."""
    from tradecalc.scenario.datafile_reader import read_data_file
    from tradecalc.scenario.starter import baseline_choice, data_starter, far_base_year

    data, _ = read_data_file(data_path, text)
    starter = data_starter(data, extends, target, by, names, base_year, text)
    _, entry, reason = baseline_choice(data, base_year)
    warnings = [Problem(str(output), None, "baseline.reporter", f"warning: {reason}")]
    if far := far_base_year(entry.year, by, "fetch later years, or give --base-year"):
        warnings.append(Problem(str(output), None, "base_year", far))
    return starter, warnings


def refuse_non_yaml(output: Path | None) -> None:
    """init writes YAML: an ``-o`` whose suffix names another format (.json, .csv, ...) is
    refused, with or without --from-file/--fetch."""
    from tradecalc.cli.options import SUFFIX_FORMATS

    if output is not None and output.suffix.lower() in SUFFIX_FORMATS:
        message = f"init writes a YAML scenario, not {output.suffix}: name the file .yaml"
        raise UsageError(f"--output {output}", message)


def _write_pair(data_path: Path, data: str, output: Path, starter: str) -> None:
    """Create the data file, then the starter, each only if its name is free (``link()``): of
    several `init -o` racing for one name exactly one writes both; a loser leaves nothing."""
    from tradecalc.core.safeio import write_new

    refusal = "exists already: init never overwrites"
    write_new(data_path, data, "--output (data file)", refusal)
    try:
        write_new(output, starter, refusal=refusal)
    except BaseException:
        data_path.unlink(missing_ok=True)  # written just now by this run: no half pair left
        raise


def _names(items: list[str] | None) -> dict[str, str]:

    names = {}
    for item in items or ():
        code, sep, value = item.partition("=")
        if not sep or not value.strip():
            raise UsageError("--name", f"expected CODE=NAME, got {item!r}")
        names[code.strip().upper()] = value.strip()
    return names


def _data_path(output: Path | None) -> Path:
    if output is None:
        from tradecalc.core.errors import ScenarioError

        with handled():
            raise ScenarioError(
                [
                    Problem(
                        "--output",
                        None,
                        "",
                        "--from-file/--fetch need -o FILE: the data file is written beside it",
                    )
                ]
            )
    return output.with_name(f"{output.stem}-data.yaml")


def validated_data_file(file: str, text: str | None = None) -> bool:
    """Whether ``file`` is a data file (as fetch writes: no scenario key, a `history:` or
    `products:`); if so it is validated, its problems raised at their lines. A scenario, or
    a file that cannot be read, is False: the scenario reader reports it."""
    from tradecalc.core.errors import ScenarioError
    from tradecalc.scenario.datafile_reader import is_scenario, read_data_file, read_file_tree

    try:
        tree = read_file_tree(file, text)
    except ScenarioError:
        return False
    if is_scenario(tree) or not ("history" in tree or "products" in tree):
        return False
    read_data_file(file, tree=tree)
    return True
