"""The environment check of lesson 00, and the lock file that both README commands install through."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

from course_lib.setup_check import PackageStatus, check_environment

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name.lower())] = version
    return pins


def test_environment_satisfies_the_declared_ranges():
    status = check_environment(extra=True)
    assert status, "course_lib must be installed (pip install -e .) for the tests"
    bad = [s.problem for s in status if not s.ok]
    assert not bad, bad


def test_status_reports_missing_and_too_old():
    assert "not installed" in PackageStatus("nothing", ">=1", None).problem
    s = PackageStatus("numpy", ">=3", "2.0")
    assert not s.ok and "needs >=3" in s.problem
    assert PackageStatus("torch", ">=2.4", "2.13.0+cpu").ok


def test_lock_pins_every_dependency_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    pins = _pins()
    for text in reqs:
        r = Requirement(text)
        if r.name == "course-lib":  # one extra naming others
            continue
        key = re.sub(r"[-_.]+", "-", r.name.lower())
        assert key in pins, f"{r.name} is declared in pyproject.toml but not pinned in constraints.txt"
        assert r.specifier.contains(pins[key]), f"{r.name}=={pins[key]} is outside {r.specifier}"


def test_torch_is_pinned_to_the_cpu_build_available_here():
    assert _pins()["torch"] == "2.13.0"


def test_dependencies_come_in_layers():
    """The core is what the numerics and plots need; the lessons' extra adds the rest, and the
    test tools only come with the test extra (a grading image or Colab needs none of them)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {Requirement(r).name for r in project["dependencies"]}
    assert core == {"numpy", "matplotlib", "packaging"}
    lessons = {s.name for s in check_environment()}
    assert {"torch", "keras", "ipywidgets", "scikit-learn", "scipy"} <= lessons
    assert not lessons & {"pytest", "nbgrader", "jupyterlab"}
    everything = {s.name for s in check_environment(extra=True)}
    assert {"pytest", "nbval", "nbgrader", "jupyterlab"} <= everything
