"""The store of imported panels: one directory per panel under the user data directory.

``<user data dir>/tradecalc/panels/<id>/`` holds ``flows*.parquet`` and ``panel.json``
(``$XDG_DATA_HOME`` respected on Linux, through ``platformdirs``).
"""

from __future__ import annotations

from pathlib import Path

from tradecalc.panel.info import PanelInfo, read_info


def root() -> Path:
    """``<user data dir>/tradecalc/panels`` (it may not exist yet)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("tradecalc", appauthor=False)) / "panels"


def panels() -> list[PanelInfo]:
    """The panels in the store, by id; unfinished imports and damaged entries are skipped."""
    folder = root()
    if not folder.is_dir():
        return []
    found = (read_info(entry) for entry in sorted(folder.iterdir()) if _is_panel(entry))
    return [info for info in found if info is not None]


def _is_panel(entry: Path) -> bool:
    return entry.is_dir() and not entry.name.startswith(".")
