"""What a panel is: its source's metadata and coverage (:class:`PanelInfo`), read from the
``panel.json`` beside its Parquet files."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "panels"
"""The panels that ship with tradecalc (AGTPA), one directory each."""
DEFAULT = "agtpa"
"""The panel used when no panel in the store holds what a command needs."""
REQUIRED = ("exporter", "importer", "year", "value_usd_m")
"""The columns every panel has; ``product`` and covariates are optional."""
ABSENCE = ("complete", "zero", "not-reported")
"""How a source treats a missing row: every row present; absent within a covered year means
zero (BACI records only positive flows); absent means not reported, never zero (Comtrade)."""
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
NOT_STATED = "not stated"
FILE_SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class PanelInfo:
    """One panel: its source's metadata and what it covers.

    ``path`` is the directory holding ``flows*.parquet``, or the user's own file.
    ``codes`` lists the ISO3 codes of its economies (empty when not recorded). ``kind`` is
    ``flows`` (trade, with ``value_usd_m``), or ``covariates`` (a Gravity or DGD table to join
    on exporter, importer and year).
    """

    id: str
    title: str
    release: str
    retrieved: str
    source_url: str
    licence: str
    attribution: str
    absence: str
    years: tuple[int, int]
    economies: int
    rows: int
    columns: tuple[str, ...]
    path: Path
    codes: tuple[str, ...] = field(default=(), compare=False)
    kind: str = "flows"

    @property
    def label(self) -> str:
        """The one line every output using the panel prints: its title and licence."""
        licence = self.licence if self.licence != NOT_STATED else "licence not stated"
        return f"{self.title}, {licence}"

    @property
    def shipped(self) -> bool:
        return self.path.parent == SHIPPED

    @property
    def is_file(self) -> bool:
        """A user's own CSV/Parquet file named by ``--panel FILE`` (not in the store)."""
        return self.path.is_file()

    @property
    def has_products(self) -> bool:
        return "product" in self.columns

    def holds(self, economies: tuple[str, ...] = (), years: tuple[int, int] | None = None) -> bool:
        """Whether the panel covers these economies (when its codes are recorded) and years."""
        if economies and not set(economies) <= set(self.codes):
            return False
        return years is None or (self.years[0] <= years[0] and years[1] <= self.years[1])

    def to_dict(self) -> dict:
        """The panel as the ``panel`` object of a JSON output (no local path)."""
        return {
            "id": self.id,
            "title": self.title,
            "licence": self.licence,
            "attribution": self.attribution,
        }


def from_metadata(meta: dict, path: Path) -> PanelInfo:
    """A :class:`PanelInfo` from a ``panel.json`` document (KeyError/ValueError if malformed)."""
    years = meta["years"]
    return PanelInfo(
        id=str(meta["id"]),
        title=str(meta["title"]),
        release=str(meta.get("release") or NOT_STATED),
        retrieved=str(meta.get("retrieved") or NOT_STATED),
        source_url=str(meta.get("source_url") or NOT_STATED),
        licence=str(meta.get("licence") or NOT_STATED),
        attribution=str(meta.get("attribution") or NOT_STATED),
        absence=str(meta["absence"]),
        years=(int(years[0]), int(years[1])),
        economies=int(meta["economies"]),
        rows=int(meta["rows"]),
        columns=tuple(str(c) for c in meta["columns"]),
        path=path,
        codes=tuple(str(c) for c in meta.get("codes", ())),
        kind=str(meta.get("kind", "flows")),
    )


def read_info(folder: Path) -> PanelInfo | None:
    """The panel in ``folder``, or None when its metadata is missing or damaged."""
    try:
        meta = json.loads((folder / "panel.json").read_text(encoding="utf-8"))
        info = from_metadata(meta, folder)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return info if info.absence in ABSENCE and info.id == folder.name else None


def cite(info: PanelInfo) -> str:
    """A row's ``source``: the panel and its attribution (a CSV's ``source`` column)."""
    return f"panel {info.id}: {info.attribution}"
