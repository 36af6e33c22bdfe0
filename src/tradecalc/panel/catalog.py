"""Which panels exist, what each one is, and which one a command uses (``--panel ID|FILE``).

A panel is a directory holding ``flows*.parquet`` and ``panel.json`` (its source's metadata), or a
user's own CSV or Parquet file in the panel's columns. :func:`resolve` turns what the user typed
into a :class:`PanelInfo`; every output that uses a panel prints its :attr:`PanelInfo.label`.
"""

from __future__ import annotations

from pathlib import Path

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.panel.info import (
    DEFAULT,
    FILE_SUFFIXES,
    NOT_STATED,
    SHIPPED,
    PanelInfo,
    read_info,
)

__all__ = ["PanelInfo", "list_panels", "resolve"]


def list_panels() -> list[PanelInfo]:
    """The shipped panels (AGTPA) first, then the store's, by id."""
    from tradecalc.panel import store

    shipped = [read_info(folder) for folder in sorted(SHIPPED.iterdir()) if folder.is_dir()]
    return [p for p in shipped if p is not None] + store.stored_panels()


def resolve(
    spec: str | None,
    *,
    economies: tuple[str, ...] = (),
    years: tuple[int, int] | None = None,
    option: str = "--panel",
) -> PanelInfo:
    """The panel a command uses: an id, a CSV/Parquet file, or (``None``) the first panel in the
    store holding ``economies`` and ``years``, else AGTPA.

    Raises :class:`ScenarioError` (exit 2) with one line for an unknown id or a bad file.
    """
    panels = list_panels()
    if spec is None:
        stored = [
            p for p in panels if not p.shipped and p.kind == "flows" and p.holds(economies, years)
        ]
        return stored[0] if stored else _by_id(panels, DEFAULT, option)
    if _looks_like_file(spec):
        return file_info(Path(spec))
    return _by_id(panels, spec, option)


def _looks_like_file(spec: str) -> bool:
    """A path (a separator, a .csv/.parquet suffix, or an existing file), not an id."""
    return (
        "/" in spec or "\\" in spec or spec.lower().endswith(FILE_SUFFIXES) or Path(spec).is_file()
    )


def _by_id(panels: list[PanelInfo], spec: str, option: str) -> PanelInfo:
    for panel in panels:
        if panel.id == spec:
            return panel
    known = ", ".join(p.id for p in panels)
    raise ScenarioError(
        [Problem(option, None, "", f"no panel {spec!r} (panels: {known}; or a .csv/.parquet FILE)")]
    )


def file_info(path: Path) -> PanelInfo:
    """A user's own CSV or Parquet file in the panel's columns, checked and summarised.

    The file's name is its id and title; its licence and attribution are "not stated" and its
    absence rule "not-reported" (a missing row is never read as zero). It is checked as an
    import would check it (one line per problem), then read in place.
    """
    import tempfile

    from tradecalc.panel import query, tidy

    name = str(path)
    if path.suffix.lower() not in FILE_SUFFIXES:
        raise ScenarioError([Problem(name, None, "", "a panel file ends in .csv or .parquet")])
    if not path.is_file():
        raise ScenarioError([Problem(name, None, "", "no such file")])
    with tempfile.TemporaryDirectory() as scratch, query.connect() as con:
        columns, _ = tidy.convert(con, path, Path(scratch) / "check.parquet")  # every check
    stats = query.table_summary(query.read_expression(path, columns), name)
    return PanelInfo(
        id=path.stem,
        title=path.name,
        release=NOT_STATED,
        retrieved=NOT_STATED,
        source_url=NOT_STATED,
        licence=NOT_STATED,
        attribution=NOT_STATED,
        absence="not-reported",
        years=stats["years"],
        economies=stats["economies"],
        rows=stats["rows"],
        columns=columns,
        path=path,
        codes=stats["codes"],
    )
