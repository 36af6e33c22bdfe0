"""The distribution: a name of its own on PyPI (``tradecalc`` there is an unrelated 2017 package
with the same module and command), extras that name this project, and an install into a fresh
virtual environment that gives this project's module and command."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT

tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")

DISTRIBUTION = "tradecalc-targets"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
WHEEL = f"tradecalc_targets-{PYPROJECT['project']['version']}-py3-none-any.whl"


def _name(requirement: str) -> str:
    """The normalised project name of a requirement string (PEP 503)."""
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group(0)
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_distribution_is_not_named_tradecalc():
    assert PYPROJECT["project"]["name"] == DISTRIBUTION
    assert PYPROJECT["project"]["scripts"] == {"tradecalc": "tradecalc.entry:main"}


def test_no_requirement_names_the_unrelated_tradecalc_package():
    # under the old name pip would fetch the unrelated 2017 package for `tradecalc[...]`
    project = PYPROJECT["project"]
    requirements = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    assert "tradecalc" not in {_name(r) for r in requirements}
    selves = [r for r in requirements if _name(r) == DISTRIBUTION]
    assert selves == [f"{DISTRIBUTION}[comtrade,headroom,gravity]"]  # the test extra's own
    assert set(re.findall(r"\[(.*)\]", selves[0])[0].split(",")) <= set(
        project["optional-dependencies"]
    )


def test_the_readme_says_how_to_install_it_and_warns_of_the_other_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{DISTRIBUTION}`" in readme
    assert "`pip install tradecalc` installs an unrelated package" in readme
    assert f"dist/{WHEEL}" in readme  # the wheel the README installs is the one pip builds


def _can_build_here() -> bool:
    if importlib.util.find_spec("setuptools") is None:
        return False
    from importlib.metadata import version

    major, minor = (int(part) for part in version("setuptools").split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _wheel(tmp_path: Path) -> Path:
    """This checkout built into a wheel, offline where setuptools is at hand."""
    # with the test extra's setuptools (70.1 on: bdist_wheel built in) no index is asked;
    # without it, pip brings the build requirements from the configured index
    isolation = ["--no-build-isolation"] if _can_build_here() else []
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation,
         "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    return wheel


@pytest.mark.slow
def test_an_install_into_a_fresh_venv_gives_this_projects_module_and_command(tmp_path):
    wheel = _wheel(tmp_path)
    assert wheel.name == WHEEL
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
         str(wheel)],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    probe = (
        "import importlib.metadata as m, tradecalc; "
        "print(tradecalc.__file__); print(m.version('tradecalc-targets')); "
        "print(m.packages_distributions()['tradecalc']); "
        "print([e.value for e in m.distribution('tradecalc-targets').entry_points])"
    )
    done = subprocess.run(
        [str(bin_dir / "python"), "-c", probe],
        check=True, capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    where, version, owners, commands = done.stdout.splitlines()
    installed = Path(where)
    # the fresh venv's own copy (not this checkout's src/ on a path), byte for byte this
    # project's module, owned by this distribution alone
    assert installed.is_relative_to(venv) and installed.name == "__init__.py"
    source = ROOT / "src" / "tradecalc" / "__init__.py"
    assert installed.read_bytes() == source.read_bytes()
    assert (installed.parent / "entry.py").read_bytes() == (source.parent / "entry.py").read_bytes()
    assert version == PYPROJECT["project"]["version"]
    assert owners == "['tradecalc-targets']"
    assert commands == "['tradecalc.entry:main']"
    # the command: installed by this distribution, running this project's entry point (it is
    # not run: --no-deps leaves out typer and the rest)
    script = (bin_dir / "tradecalc").read_text(encoding="utf-8")
    assert "from tradecalc.entry import main" in script
