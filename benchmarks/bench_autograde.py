"""How long nbgrader takes to autograde one submission of each lesson and assignment, here.

    python benchmarks/bench_autograde.py            # every lesson and assignment
    python benchmarks/bench_autograde.py 03 A1      # chosen ones

Exports the course into a temporary folder, generates each assignment, submits the worked answers
for one student and times `nbgrader autograde` per assignment (which runs the whole notebook on a
fresh kernel). Prints a table of seconds and the score reached. A benchmark, not a test.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course_lib import nbgrader as export

BIN = Path(sys.executable).parent


def run(course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "KERAS_BACKEND": "torch"}
    r = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                       text=True)
    if r.returncode:
        sys.exit(f"nbgrader {' '.join(args)} failed:\n{r.stderr[-3000:]}")


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        written = export.export_course(course, argv)
        rows = []
        for path in written:
            name = path.stem
            run(course, "generate_assignment", name)
            release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
            source = {c.metadata["nbgrader"]["grade_id"]: c for c in nbformat.read(path, 4).cells}
            for cell in release.cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution"):
                    cell.source = source[meta["grade_id"]].source
            target = course / "submitted" / "student" / name / f"{name}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(release, target)
            t0 = time.perf_counter()
            run(course, "autograde", name)
            rows.append((name, time.perf_counter() - t0))
        run(course, "export", "--to", str(Path(tmp) / "grades.csv"))
        with open(Path(tmp) / "grades.csv") as f:
            scores = {r["assignment"]: f"{float(r['score']):g}/{float(r['max_score']):g}"
                      for r in csv.DictReader(f)}
    print(f"{'assignment':<36} {'autograde (s)':>14} {'score':>8}")
    for name, seconds in rows:
        print(f"{name:<36} {seconds:>14.1f} {scores.get(name, '?'):>8}")
    print(f"{'total':<36} {sum(s for _, s in rows):>14.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
