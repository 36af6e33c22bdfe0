"""The options the commands share: output formats, the scenario argument, --set, --output,
--plot, --chart, --draws, --seed, --log.

Annotations are real objects here, not strings: typer reads the option types at every start.
"""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class Format(str, Enum):
    """Output formats: a table for people, the others for scripts and reports."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


SUFFIX_FORMATS = {
    ".json": Format.json,
    ".csv": Format.csv,
    ".md": Format.markdown,
    ".markdown": Format.markdown,
    ".xlsx": Format.xlsx,
}
"""What an --output suffix implies; any other suffix (.txt, ...) takes any text format."""


ScenarioArg = Annotated[
    str, typer.Argument(help="Scenario YAML file, or - for standard input.", metavar="SCENARIO")
]


FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]


SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Override a field, e.g. pta.utilization=0.9 or deals.0.probability=1 (repeatable).",
    ),
]


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help=(
            "Write to FILE (atomically) instead of stdout. With the table format (the "
            "default) its suffix sets the format: .json, .csv, .md markdown, .xlsx workbook "
            "(needs XlsxWriter), anything else the table; a suffix that contradicts -f is an "
            "error."
        ),
        metavar="FILE",
    ),
]


PlotOption = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        help="Also draw a chart to FILE (.png, .svg or .pdf; needs matplotlib).",
        metavar="FILE",
    ),
]


ChartOption = Annotated[
    bool,
    typer.Option(
        "--chart",
        help="Also draw the measure against the target in the terminal, below the table "
        "(table format only).",
    ),
]


DrawsOption = Annotated[int, typer.Option("--draws", "-n", min=1, help="Number of draws.")]


SeedOption = Annotated[int, typer.Option("--seed", min=0, help="Random seed.")]


LogOption = Annotated[
    bool, typer.Option("--log", help="Log scale for the --plot chart (e.g. 27 to 2,000).")
]
