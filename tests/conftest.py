"""Shared fixtures: a small hand-checkable scenario and a writer for YAML files; the network
guard (pytest-socket): any test that opens an internet socket fails."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import pytest_socket

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

TOY = """\
name: Toy
base_year: 2023
horizon: 2030
target: {value_usd_m: 2000, by_year: 2030}
baseline:
  flows:
    - {direction: pak_to_aze, sector: textiles, value_usd_m: 24.3, growth: 0.05, assumption: toy}
    - {direction: aze_to_pak, sector: chemicals, value_usd_m: 2.7, assumption: toy}
"""

AZE_RECORD = """\
  - {year: 2019, reporter: AZE, total_usd_m: 14.8, assumption: record}
  - {year: 2020, reporter: AZE, total_usd_m: 13.2, assumption: record}
  - {year: 2021, reporter: AZE, total_usd_m: 11.7, assumption: record}
  - {year: 2022, reporter: AZE, total_usd_m: 28.2, assumption: record}
  - {year: 2023, reporter: AZE, total_usd_m: 27.0, assumption: record}
"""
"""Azerbaijan's customs series 2019-2023 (methods.md 8 and 11) as `history:` items."""


@pytest.fixture
def write(tmp_path, monkeypatch):
    """Write ``text`` (dedented) to ``tmp_path/name`` and return the name, run from tmp_path."""
    monkeypatch.chdir(tmp_path)

    def _write(text: str, name: str = "s.yaml") -> str:
        Path(tmp_path, name).write_text(textwrap.dedent(text), encoding="utf-8")
        return name

    return _write


@pytest.fixture
def in_scenarios(monkeypatch):
    """Run from scenarios/: the shipped files `extends:` each other by relative path."""
    monkeypatch.chdir(ROOT / "scenarios")


def python_module(name: str) -> None:
    """Import a module a README example needs; the ``test`` extra installs it.

    Under CI (``CI`` set) a missing one fails the test; on a developer's machine without it the
    test is skipped with the package to install.
    """
    import importlib.util
    import os

    if importlib.util.find_spec(name) is not None:
        return
    message = f"needs the Python package {name} (pip install -e '.[test]' installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def system_tool(*names: str) -> str:
    """The path of a system program a test needs (jq, chromium), from the Debian packages.

    `.ci/run` installs them, so under CI (``CI`` set) a missing one fails the test; on a
    developer's machine without it the test is skipped with the package to install.
    """
    import os
    import shutil

    for name in names:
        if found := shutil.which(name):
            return found
    message = f"needs {names[0]} (apt-get install {names[0]}; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def pytest_runtest_setup(item):
    """Tests run offline: every socket but a Unix one (test_hardening's) fails the test.

    Subprocesses (the README's shell examples, Chromium) are not affected: only this process.
    A test that truly needs localhost says so with ``@pytest.mark.enable_socket``.
    """
    if item.get_closest_marker("enable_socket") is None:
        pytest_socket.disable_socket(allow_unix_socket=True)


@pytest.fixture
def panel_store(tmp_path, monkeypatch):
    """An empty panel store of the test's own: the user data directory under ``tmp_path``.

    Returns the store's folder (``XDG_DATA_HOME/tradecalc/panels``, not created yet). The user
    cache directory (DuckDB's spill folder) is moved under ``tmp_path`` too.
    """
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "data" / "tradecalc" / "panels"


@pytest.fixture(scope="module")
def base_projection():
    from tradecalc.analysis.projecting import project

    p = project(str(ROOT / "scenarios" / "base.yaml"), band=True)  # the chart draws its band
    return p, p.to_dict()
