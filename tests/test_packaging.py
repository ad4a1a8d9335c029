"""The wheel, as a user gets it: built, installed into a fresh venv, run from elsewhere.

Everything else in the suite imports the source tree (an editable install). This
test catches what only a real install shows: a module or data file left out of the
wheel, a wrong entry point, a version lookup under the wrong distribution name.

It builds the wheel with pip (``pip wheel --no-deps``), creates a venv in a
temporary directory outside the repository, installs the wheel there (its
dependencies come from the configured package indexes, usually from pip's cache),
and runs the commands with that directory as the working directory and without the
test run's environment (no ``VIRTUAL_ENV``, no ``PYTHONPATH``). About 20 seconds;
``-m "not packaging"`` leaves it out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
INSTALL_TIMEOUT = 600  # the first run on a new machine downloads the dependencies


def _environment() -> dict[str, str]:
    drop = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def _run(
    argv: list[str | Path], cwd: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ directory of a fresh venv, outside the repository, holding the wheel."""
    base = tmp_path_factory.mktemp("packaging")
    assert not base.is_relative_to(ROOT)
    dist = base / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT],
        cwd=base,
        timeout=INSTALL_TIMEOUT,
    )
    (wheel,) = dist.glob("*.whl")
    _run([sys.executable, "-m", "venv", base / "venv"], cwd=base)
    bin_dir = base / "venv" / "bin"
    _run(
        [bin_dir / "python", "-m", "pip", "install", "-q", wheel], cwd=base, timeout=INSTALL_TIMEOUT
    )
    return bin_dir


def _wheel(installed: Path) -> Path:
    (wheel,) = (installed.parent.parent / "dist").glob("*.whl")
    return wheel


def test_the_wheel_is_the_renamed_distribution_with_the_package_inside(installed: Path) -> None:
    wheel = _wheel(installed)
    assert wheel.name == f"exact_discounts-{PROJECT['version']}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    assert "pricing/__init__.py" in names
    assert "pricing/py.typed" in names
    assert "pricing/_examples/oneentry.json" in names
    assert not [n for n in names if n.startswith(("tests/", "property_tests/", "docs/"))]


def test_the_installed_package_is_the_wheels_not_the_source_tree(installed: Path) -> None:
    done = _run(
        [installed / "python", "-c", "import pricing; print(pricing.__file__)"],
        cwd=installed.parent.parent,
    )
    location = Path(done.stdout.strip())
    assert location.is_relative_to(installed.parent)
    assert not location.is_relative_to(ROOT)


def test_pricing_version(installed: Path) -> None:
    done = _run([installed / "pricing", "--version"], cwd=installed.parent.parent)
    assert done.stdout == f"pricing {PROJECT['version']}\n"


def test_python_dash_m_pricing_help(installed: Path) -> None:
    done = _run([installed / "python", "-m", "pricing", "--help"], cwd=installed.parent.parent)
    assert done.stdout.startswith("usage: pricing ")


def test_preview_a_bundled_example(installed: Path) -> None:
    done = _run(
        [installed / "pricing", "preview", "--example", "oneentry", "--json"],
        cwd=installed.parent.parent,
    )
    document = json.loads(done.stdout)
    assert (document["currency"], document["totalDue"]) == ("USD", 285)
