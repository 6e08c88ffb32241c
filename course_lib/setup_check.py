"""Is this environment ready for the workbook? Used by lesson 00 and by the tests.

``check_environment()`` compares the installed version of every dependency that course_lib
declares (pyproject.toml) with the range it asks for, and says what to do when one is missing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import Requirement

__all__ = ["PackageStatus", "check_environment", "FIX"]

FIX = ("Run ./workbook setup (or ./workbook lab) from the workbook's folder: it installs the "
       "validated versions from constraints.txt into .venv. Then restart the kernel.")


@dataclass(frozen=True)
class PackageStatus:
    name: str
    required: str
    installed: str | None

    @property
    def ok(self) -> bool:
        if self.installed is None:
            return False
        return Requirement(f"{self.name}{self.required}").specifier.contains(
            self.installed, prereleases=True)

    @property
    def problem(self) -> str:
        if self.installed is None:
            return f"{self.name} is not installed (needs {self.name}{self.required})"
        if not self.ok:
            return f"{self.name} {self.installed} is installed, but the workbook needs {self.required}"
        return ""


def _declared() -> list[Requirement]:
    try:
        reqs = metadata.requires("course-lib") or []
    except metadata.PackageNotFoundError:
        return []
    return [r for r in map(Requirement, reqs) if r.marker is None]


def check_environment(extra: bool = False) -> list[PackageStatus]:
    """One PackageStatus per declared dependency (with ``extra=True`` also the test extra).

    Returns an empty list if course_lib was not installed as a package (e.g. imported from a
    source folder without ``pip install -e .``); see ``FIX``.
    """
    out = []
    reqs = _declared()
    if extra:
        try:
            every = metadata.requires("course-lib") or []
        except metadata.PackageNotFoundError:
            every = []
        reqs += [r for r in map(Requirement, every)
                 if r.marker is not None and r.marker.evaluate({"extra": "test"})]
    for r in reqs:
        try:
            v = metadata.version(r.name)
        except metadata.PackageNotFoundError:
            v = None
        out.append(PackageStatus(r.name, str(r.specifier), v))
    return out


def python_ok() -> bool:
    """True if this Python is new enough for the workbook (3.11 or newer)."""
    return sys.version_info >= (3, 11)
