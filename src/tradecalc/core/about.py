"""The package's version, read from the installed metadata: pyproject.toml is its one source."""

from __future__ import annotations

from functools import cache

DISTRIBUTION = "tradecalc-targets"
"""The distribution's name (pyproject.toml): `tradecalc` on PyPI is an unrelated package; the
module and the command stay `tradecalc`."""


@cache
def version() -> str:
    """The installed version of tradecalc, such as ``"0.1.0"``."""
    from importlib.metadata import version as installed

    return installed(DISTRIBUTION)
