"""The set-up stays honest: conda and pip list the same packages, the lock pins them, kamlib imports fast."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

import kamlib
from conftest import ROOT

CONDA_NAMES = {"matplotlib-base": "matplotlib"}  # conda package name -> pip name


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pip_requirements(extras=("course", "test")) -> dict[str, SpecifierSet]:
    project = _pyproject()
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project["optional-dependencies"][extra]
    out = {}
    for r in map(Requirement, reqs):
        out[r.name.lower()] = r.specifier
    return out


def _conda_requirements() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if not isinstance(dep, str):
            continue
        name, _, spec = re.match(r"([A-Za-z0-9_.-]+)\s*(([<>=!~].*)?)$", dep).groups()
        if name in ("python", "pip"):  # not python-calamine
            continue
        out[CONDA_NAMES.get(name, name).lower()] = SpecifierSet(spec or "")
    return out


def test_environment_yml_lists_the_same_packages_as_pyproject():
    pip, conda = _pip_requirements(), _conda_requirements()
    assert sorted(conda) == sorted(pip), (
        f"only in environment.yml: {sorted(set(conda) - set(pip))}; only in pyproject.toml: {sorted(set(pip) - set(conda))}"
    )
    for name, spec in pip.items():
        assert conda[name] == spec, f"{name}: pyproject says {spec!s}, environment.yml says {conda[name]!s}"


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        m = re.match(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_lock_pins_every_package_within_pyproject_ranges():
    pins = _lock()
    for name, spec in _pip_requirements(("course", "test", "bench", "e2e", "room")).items():
        key = name.replace("_", "-")
        assert key in pins, f"{name} is not pinned in requirements/lock.txt; re-run uv pip compile (see README)"
        assert spec.contains(pins[key]), f"{name}=={pins[key]} in the lock is outside pyproject's {spec}"


def test_installed_versions_are_the_locked_ones():
    from importlib.metadata import version

    pins = _lock()
    for name in ("pandas", "numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbval"):
        assert version(name) == pins[name], f"{name} {version(name)} installed, lock says {pins[name]}"


def test_import_kamlib_is_fast_and_lazy():
    code = (
        "import sys, time; t = time.perf_counter(); import kamlib; dt = time.perf_counter() - t; "
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'openpyxl', 'pandas') if m in sys.modules]; "
        "print(dt, ','.join(heavy))"
    )
    best = min(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()[0])
        for _ in range(3)
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert len(out) == 1, f"import kamlib loaded heavy modules: {out[1]}"
    assert best < 0.3, f"import kamlib took {best:.3f} s"


def test_every_public_name_resolves():
    for name in kamlib.__all__:
        assert getattr(kamlib, name) is not None, name


def test_top_level_layout_matches_the_design_card():
    for name in ("notebooks", "kamlib", "data", "exercises", "tests", "environment.yml", "README.md",
                 "pyproject.toml", ".ci/run", "requirements/lock.txt"):
        assert (ROOT / name).exists(), name
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == "exec python3 workbook.py test"
