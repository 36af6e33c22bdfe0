"""The store of imported panels: one directory per panel under the user data directory, each
added all or nothing.

``<user data dir>/tradecalc/panels/<id>/`` holds ``flows*.parquet`` and ``panel.json``
(``$XDG_DATA_HOME`` respected on Linux, through ``platformdirs``). An import writes into a
hidden ``.import-<pid>-<random>`` directory of the store, is validated there, and becomes the
panel by one ``rename``: a failed or interrupted import removes its directory, and one killed
outright (SIGKILL, a power cut) leaves a hidden directory that no listing shows and the next
import clears. A removal renames the panel away first, so it disappears at once, then deletes.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from tradecalc.core.errors import Problem, ScenarioError
from tradecalc.core.safeio import WriteError
from tradecalc.panel.info import DEFAULT, ID_PATTERN, PanelInfo, from_metadata, read_info

STAGING = ".import-"
REMOVING = ".remove-"


def root() -> Path:
    """``<user data dir>/tradecalc/panels`` (it may not exist yet)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("tradecalc", appauthor=False)) / "panels"


def stored_panels() -> list[PanelInfo]:
    """The panels in the store, by id; unfinished imports and damaged entries are skipped."""
    folder = root()
    if not folder.is_dir():
        return []
    found = (read_info(entry) for entry in sorted(folder.iterdir()) if _is_panel(entry))
    return [info for info in found if info is not None]


def _is_panel(entry: Path) -> bool:
    return entry.is_dir() and not entry.name.startswith(".")


def check_id(panel_id: str, option: str = "--id") -> None:
    """A new panel's id: lowercase letters, digits, ``-`` and ``_``; not taken, not ``agtpa``."""
    if not ID_PATTERN.fullmatch(panel_id):
        message = f"{panel_id!r} is not a panel id: use a-z, 0-9, - and _ (at most 40)"
        raise ScenarioError([Problem(option, None, "", message)])
    if panel_id == DEFAULT or (root() / panel_id).exists():
        message = f"a panel {panel_id!r} exists already: `tradecalc panel remove {panel_id}` first"
        raise ScenarioError([Problem(option, None, "", message)])


@contextlib.contextmanager
def staging_folder() -> Iterator[Path]:
    """A fresh hidden directory in the store to write an import into; removed unless the import
    was committed (:func:`commit` renames it away), on any exception or signal that unwinds."""
    folder = root()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        clear_abandoned()
        work = folder / f"{STAGING}{os.getpid()}-{secrets.token_hex(4)}"
        work.mkdir()
    except OSError as error:
        raise _store_error(folder, error) from None
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def commit(work: Path, meta: dict) -> PanelInfo:
    """Write ``panel.json`` into the staged directory, check it reads back, and rename the
    directory to the panel's id: the one step that makes the panel appear."""
    target = root() / meta["id"]
    try:
        from_metadata(meta, target)  # the document is complete (KeyError, ValueError if not)
        (work / "panel.json").write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    except OSError as error:
        raise _store_error(work, error) from None
    try:
        os.rename(work, target)  # fails if a panel of that id appeared meanwhile
    except OSError as error:
        if target.exists():
            message = f"a panel {meta['id']!r} appeared while importing: nothing was replaced"
            raise ScenarioError([Problem("--id", None, "", message)]) from None
        raise _store_error(target, error) from None
    info = read_info(target)
    if info is None:  # pragma: no cover - a metadata writer bug, never user input
        shutil.rmtree(target, ignore_errors=True)
        raise WriteError([Problem(str(target), None, "", "the new panel does not read back")])
    return info


def remove(panel_id: str) -> None:
    """Take a panel out of the store (the shipped AGTPA panel cannot be removed)."""
    if panel_id == DEFAULT:
        message = "agtpa ships with tradecalc and cannot be removed"
        raise ScenarioError([Problem("ID", None, "", message)])
    target = root() / panel_id
    if not ID_PATTERN.fullmatch(panel_id) or not _is_panel(target):
        known = ", ".join(p.id for p in stored_panels()) or "none"
        message = f"no panel {panel_id!r} in the store (stored: {known})"
        raise ScenarioError([Problem("ID", None, "", message)])
    doomed = target.with_name(f"{REMOVING}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.rename(target, doomed)
    except OSError as error:
        raise _store_error(target, error) from None
    shutil.rmtree(doomed, ignore_errors=True)


def clear_abandoned() -> list[Path]:
    """Remove the hidden directories of imports and removals whose process is gone."""
    cleared = []
    for entry in root().iterdir():
        pid = _owner(entry.name)
        if pid is not None and not _alive(pid):
            shutil.rmtree(entry, ignore_errors=True)
            cleared.append(entry)
    return cleared


def _owner(name: str) -> int | None:
    for prefix in (STAGING, REMOVING):
        if name.startswith(prefix):
            pid = name.removeprefix(prefix).split("-")[0]
            return int(pid) if pid.isdigit() else None
    return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _store_error(path: Path, error: OSError) -> WriteError:
    from tradecalc.core.sanitize import clean

    reason = error.strerror or type(error).__name__
    return WriteError(
        [Problem(clean(str(path)), None, "", f"cannot write the panel store: {reason}")]
    )
