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

FIX = ("In the workbook's folder run ./workbook setup (python -m course_lib setup on Windows): it "
       "installs the validated versions from constraints.txt into .venv. Elsewhere (Colab, a "
       "JupyterHub) run pip install 'course-lib[lessons]' in this kernel's environment. Then "
       "restart the kernel.")


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


def _declared(extras: set[str]) -> list[Requirement]:
    """course_lib's requirements for its core and ``extras``, following extras that name
    other extras of course_lib (``course-lib[torch]``), each package once."""
    try:
        every = [Requirement(r) for r in metadata.requires("course-lib") or []]
    except metadata.PackageNotFoundError:
        return []
    wanted, seen = set(extras), None
    while seen != wanted:  # close over course-lib[...] references
        seen = set(wanted)
        for r in every:
            if r.name == "course-lib" and r.marker and any(
                    r.marker.evaluate({"extra": e}) for e in seen):
                wanted |= set(r.extras)
    out, names = [], set()
    for r in every:
        if r.name == "course-lib" or r.name in names:
            continue
        if r.marker is None or any(r.marker.evaluate({"extra": e}) for e in wanted):
            out.append(r)
            names.add(r.name)
    return out


def check_environment(extra: bool = False) -> list[PackageStatus]:
    """One PackageStatus per package the lessons need (with ``extra=True`` also the test tools).

    Returns an empty list if course_lib was not installed as a package (e.g. imported from a
    source folder without ``pip install -e .``); see ``FIX``.
    """
    out = []
    for r in _declared({"lessons", "test"} if extra else {"lessons"}):
        try:
            v = metadata.version(r.name)
        except metadata.PackageNotFoundError:
            v = None
        out.append(PackageStatus(r.name, str(r.specifier), v))
    return out


def main() -> int:
    """Print one line per package and say what to do when one is missing; 0 when all are fine."""
    status = check_environment()
    if not status:
        print(f"course_lib is not installed as a package. {FIX}")
        return 1
    for s in status:
        print(f"  {s.name:<14} {s.installed or 'missing':<14} needs {s.required:<8} "
              f"{'ok' if s.ok else 'PROBLEM'}")
    bad = [s for s in status if not s.ok]
    print(f"{len(bad)} problem(s). {FIX}" if bad else "Everything the lessons need is installed.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())


def python_ok() -> bool:
    """True if this Python is new enough for the workbook (3.11 or newer)."""
    return sys.version_info >= (3, 11)
