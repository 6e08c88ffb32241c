"""Grade a whole class with nbgrader: the lessons and assignments written as an nbgrader course.

    python -m course_lib.nbgrader COURSE_DIR                # every lesson and assignment
    python -m course_lib.nbgrader COURSE_DIR 03 04 A1       # chosen ones (numbers, names or paths)
    python -m course_lib.nbgrader COURSE_DIR --solutions on # solution() works in the released copies

writes ``COURSE_DIR/source/<name>/<name>.ipynb`` and ``COURSE_DIR/nbgrader_config.py``. Then
``nbgrader generate_assignment``, ``autograde``, ``generate_feedback`` and ``export`` do the rest
(README, "Grading with nbgrader"). In each source notebook:

* a cell with a ``### BEGIN SOLUTION`` region is an nbgrader solution cell; the config's code
  stub keeps a released copy running top to bottom, each check saying "not attempted yet";
* after it comes a locked, autograded test cell worth the exercise's ``points``: it calls
  ``Exercise.assert_correct``, so a wrong answer fails with the workbook's own feedback, and, for a
  function exercise, it adds hidden tests on fresh cases the released copy does not contain;
* every other cell is read-only;
* with solutions off (the default for assignments), ``solution()`` says so; hints stay.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import sys
import zlib
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from .student import SolutionMarkerError, find_notebooks, solution_regions

__all__ = ["ExportError", "CODE_STUB", "export_course", "source_notebook", "fresh_cases",
           "reference_exercise", "assert_correct_on_fresh_cases", "solutions_off", "main"]

# One stub for every solution region. At the top of a cell it does nothing (the placeholder line
# above the region keeps the answer at `...`, which check() reports as not attempted); inside a
# function it raises NotImplementedError, which check() also reports as not attempted.
CODE_STUB = ("# YOUR CODE HERE\n"
             "if locals() is not globals():  # inside a function: not attempted until you write it\n"
             "    raise NotImplementedError()")
CELL_TIMEOUT = 120   # s per cell: the longest training cell takes ~40 s here; a runaway loop ends
SCHEMA = 3
MARK = "# Written by python -m course_lib.nbgrader"


class ExportError(ValueError):
    """The export cannot go on; the message names the file, cell or argument."""


class _Off:
    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"solution: {self.reason}"

    def _repr_html_(self) -> str:
        return ('<div style="border-left:4px solid #6b5b00;background:#fff8db;padding:4px 8px;'
                f'font-family:sans-serif"><b>solution:</b> {self.reason}</div>')


def solutions_off(*exercise_sets: Any, reason: str = "your instructor has turned solutions off "
                  "for this assignment; hint() still helps") -> int:
    """Turn ``solution()`` off: it says ``reason`` instead of showing code; hints stay.

    ``exercise_sets`` are modules of exercises or exercises. Returns how many were turned off.
    """
    from .exercises import Exercise

    found = []
    for item in exercise_sets:
        found += [item] if isinstance(item, Exercise) else [
            v for v in vars(item).values() if isinstance(v, Exercise)]
    for q in found:
        q.solution = lambda reason=reason: _Off(reason)
    return len(found)


def _redraw(value: Any, rng: np.random.Generator) -> Any:
    """A fresh value like ``value``: arrays keep shape, dtype and sign pattern of their entries
    (their entries shuffled, floats rescaled by 0.7-1.3); anything else stays."""
    if not isinstance(value, np.ndarray) or value.size < 2 or value.dtype.kind not in "fiub":
        return value
    fresh = rng.permutation(value.ravel()).reshape(value.shape)
    if value.dtype.kind == "f":
        fresh = (fresh * rng.uniform(0.7, 1.3, value.shape)).astype(value.dtype)
    return fresh


def reference_exercise(exercise: Any) -> Any | None:
    """The exercise holding the reference function and cases behind ``exercise``, or None.

    That is ``exercise`` itself, or the one that a checker made by ``exercises.reference_slips``
    wraps (kept in the checker's closure); None for a value or a checker of its own.
    """
    from .exercises import Exercise

    if getattr(exercise, "reference", None) is not None:
        return exercise
    checker = getattr(exercise, "checker", None)
    for cell in getattr(checker, "__closure__", None) or ():
        inner = cell.cell_contents
        if isinstance(inner, Exercise) and inner.reference is not None:
            return inner
    return None


def fresh_cases(exercise: Any, seed: int) -> list[tuple[tuple, dict]]:
    """Fresh cases for nbgrader's hidden tests, shaped like those of ``exercise``'s reference.

    Arrays keep their shape and dtype with new numbers; a case the reference cannot take is left out.
    """
    ref = reference_exercise(exercise)
    if ref is None:
        return []
    rng = np.random.default_rng(seed)
    out = []
    for args, kwargs in ref.cases:
        case = (tuple(_redraw(a, rng) for a in args), {k: _redraw(v, rng) for k, v in kwargs.items()})
        try:
            ref.reference(*copy.deepcopy(case[0]), **copy.deepcopy(case[1]))
        except Exception:  # noqa: BLE001 - a case the reference cannot take is no test
            continue
        out.append(case)
    return out


def assert_correct_on_fresh_cases(exercise: Any, answer: Any, seed: int) -> None:
    """Judge ``answer`` on :func:`fresh_cases`, raising ``Incorrect`` as ``assert_correct`` does.

    The exercise's own time limit, tolerances and forbidden calls apply.
    """
    hidden = copy.copy(reference_exercise(exercise))
    hidden.cases = fresh_cases(exercise, seed)
    hidden.name = f"{exercise.name} (hidden tests)"
    for attr in ("forbidden", "allowed", "time_limit", "rtol", "atol"):
        if hasattr(exercise, attr):
            setattr(hidden, attr, getattr(exercise, attr))
    try:
        hidden.assert_correct(answer)
    except AssertionError as e:   # Incorrect: say which tests these were
        raise type(e)(f"{e} (in the hidden tests, on fresh numbers)") from None


def _code(source: str) -> ast.Module | None:
    # IPython's % and ! lines are not Python; blank them so the rest parses.
    lines = ["" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _exercise_names(nb: nbformat.NotebookNode, where: str) -> dict[str, Any]:
    """What the notebook's imports from course_lib.exercise_sets bind: alias -> module or Exercise."""
    names: dict[str, Any] = {}
    for cell in nb.cells:
        tree = _code(cell.source) if cell.cell_type == "code" else None
        for node in ast.walk(tree) if tree else ():
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
                    "course_lib.exercise_sets"):
                continue
            for alias in node.names:
                if node.module == "course_lib.exercise_sets":
                    target = f"course_lib.exercise_sets.{alias.name}"
                    try:
                        names[alias.asname or alias.name] = importlib.import_module(target)
                    except ImportError as e:
                        raise ExportError(f"{where}: cannot import {target}: {e}") from None
                else:
                    module = importlib.import_module(node.module)
                    names[alias.asname or alias.name] = getattr(module, alias.name)
    return names


def _graded_checks(source: str, names: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """The ``X.check(answer)`` calls of a cell: (expression of X, its id, answer source, exercise)."""
    tree = _code(source)
    found = []
    for node in ast.walk(tree) if tree else ():
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "check" and len(node.args) == 1):
            continue
        target = node.func.value
        if isinstance(target, ast.Name) and target.id in names:
            exercise, key = names[target.id], target.id
        elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
              and target.value.id in names):
            exercise, key = getattr(names[target.value.id], target.attr, None), target.attr
        else:
            continue
        if exercise is None:
            continue
        found.append((ast.unparse(target), key, ast.get_source_segment(source, node.args[0]),
                      exercise))
    return found


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": SCHEMA,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def _points(exercise: Any, where: str) -> int:
    points = getattr(exercise, "points", None)
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        raise ExportError(f"{where}: exercise {getattr(exercise, 'name', exercise)!r} has no "
                          f"points (a whole number >= 0), found {points!r}")
    return points


def source_notebook(nb: nbformat.NotebookNode, name: str, solutions: bool = True,
                    seed: int = 0) -> nbformat.NotebookNode:
    """The nbgrader source version of a lesson (``nb`` is not changed): see the module's text."""
    nb = copy.deepcopy(nb)
    names = _exercise_names(nb, name)
    cells, used = [], set()
    for k, cell in enumerate(nb.cells):
        cell.pop("id", None)
        where = f"{name}, cell {k}"
        is_md = cell.cell_type == "markdown"
        try:
            begin, end = ("=== BEGIN SOLUTION ===", "=== END SOLUTION ===") if is_md else (
                "### BEGIN SOLUTION", "### END SOLUTION")
            regions = solution_regions(cell.source, begin, end, where)
        except SolutionMarkerError as e:
            raise ExportError(str(e)) from None
        if cell.cell_type not in ("code", "markdown"):
            cells.append(cell)
            continue
        checks = _graded_checks(cell.source, names) if regions and not is_md else []
        first = checks[0][1] if checks else f"cell-{k:03d}"
        gid = first if first not in used else f"{first}-{k:03d}"
        used.add(gid)
        if not regions:
            cell.metadata["nbgrader"] = _meta(gid)
            cells.append(cell)
            continue
        cell.metadata["nbgrader"] = _meta(f"{gid}-answer", solution=True)
        cells.append(cell)
        for expr, key, answer, exercise in checks:
            points = _points(exercise, where)
            lines = [f"# Graded ({points} point{'s' if points != 1 else ''}): the same check as "
                     "above; a wrong answer fails with its feedback.",
                     f"{expr}.assert_correct({answer})"]
            if reference_exercise(exercise) is not None:
                cell_seed = zlib.crc32(f"{seed}:{name}:{key}".encode()) % 2**31
                if fresh_cases(exercise, cell_seed):
                    lines += ["### BEGIN HIDDEN TESTS",
                              "from course_lib.nbgrader import assert_correct_on_fresh_cases",
                              f"assert_correct_on_fresh_cases({expr}, {answer}, seed={cell_seed})",
                              "### END HIDDEN TESTS"]
            test = nbformat.v4.new_code_cell("\n".join(lines))
            test.pop("id", None)
            test_id = f"{key}-test" if f"{key}-test" not in used else f"{key}-test-{k:03d}"
            used.add(test_id)
            test.metadata["nbgrader"] = _meta(test_id, grade=True, points=points)
            cells.append(test)
    if not solutions and names:
        off = nbformat.v4.new_code_cell(
            "# Set by your instructor: solution() is off in this assignment; hint() still works.\n"
            "from course_lib.nbgrader import solutions_off\n\n"
            f"_ = solutions_off({', '.join(sorted(names))})")
        off.pop("id", None)
        off.metadata["nbgrader"] = _meta("solutions-off")
        last_import = max(i for i, c in enumerate(cells) if c.cell_type == "code"
                          and "course_lib.exercise_sets" in c.source)
        cells.insert(last_import + 1, off)
    nb.cells = cells
    nb.metadata.pop("course_lib", None)
    nb.nbformat, nb.nbformat_minor = 4, 4   # nbgrader's schema, without cell ids
    return nb


def config_text(course_id: str) -> str:
    return f'''{MARK} (course_lib); course {course_id!r}.
# Re-running the export rewrites this file (with --force); put your own settings in a second
# file, e.g. ~/.jupyter/nbgrader_config.py, or below and keep the export from overwriting it.
import os

c = get_config()  # noqa: F821 - nbgrader provides it
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# Keeps a released copy running top to bottom: see course_lib.nbgrader.CODE_STUB.
c.ClearSolutions.code_stub = {{"python": {CODE_STUB!r}}}
# Seconds per cell: enough for the lessons that train a model, and a cell that loops forever is
# interrupted instead of stopping the class's grading run. (A learner's function that loops is
# already stopped within a few seconds by the exercise's own time limit.)
c.Execute.timeout = {CELL_TIMEOUT}
c.Execute.interrupt_on_timeout = True
'''


def _write(path: Path, text: str, force: bool) -> None:
    if path.exists() and path.read_text("utf-8") != text and not force:
        raise ExportError(f"{path} exists and differs from what the export would write; "
                          "pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def export_course(course_dir: Path | str, selection: list[str] | None = None, *,
                  root: Path | str | None = None, solutions: str = "auto", force: bool = False,
                  course_id: str = "rnn-cnn-workbook", seed: int = 0) -> list[Path]:
    """Write the nbgrader course; returns the source notebooks written.

    ``solutions``: "on", "off", or "auto" (off for assignments, on for lessons).
    """
    if solutions not in ("auto", "on", "off"):
        raise ExportError(f"solutions must be 'auto', 'on' or 'off', got {solutions!r}")
    course_dir = Path(course_dir)
    if course_dir.exists() and not course_dir.is_dir():
        raise ExportError(f"COURSE_DIR {course_dir} is a file, not a folder")
    config = course_dir / "nbgrader_config.py"
    if config.exists() and MARK not in config.read_text("utf-8") and not force:
        raise ExportError(f"{config} belongs to another course (it was not written by this "
                          "export); choose another COURSE_DIR or pass --force")
    paths = find_notebooks(selection or [], root, include_assignments=True)
    built = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        shown = solutions == "on" or (solutions == "auto" and not path.stem.startswith("A"))
        built.append((path.stem, source_notebook(nb, path.stem, shown, seed)))
    written = []
    for stem, nb in built:   # everything is built first: a bad notebook writes nothing
        target = course_dir / "source" / stem / f"{stem}.ipynb"
        _write(target, nbformat.writes(nb) + "\n", force)
        written.append(target)
    _write(config, config_text(course_id), force)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m course_lib.nbgrader COURSE_DIR [LESSON ...]``; returns the exit status."""
    p = argparse.ArgumentParser(prog="python -m course_lib.nbgrader", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("course_dir", type=Path, help="the nbgrader course folder to write")
    p.add_argument("lessons", nargs="*", help="lesson or assignment numbers (03, A1), names or "
                                              "notebook paths; all if none")
    p.add_argument("--root", type=Path, help="the workbook's folder (with notebooks/ and "
                                             "assignments/); found automatically in a checkout")
    p.add_argument("--solutions", choices=["auto", "on", "off"], default="auto",
                   help="solution() in released copies: auto = off for assignments, on for lessons")
    p.add_argument("--force", action="store_true", help="overwrite files that differ")
    p.add_argument("--course-id", default="rnn-cnn-workbook")
    p.add_argument("--seed", type=int, default=0, help="varies the hidden tests' fresh cases")
    a = p.parse_args(argv)
    try:
        written = export_course(a.course_dir, a.lessons, root=a.root, solutions=a.solutions,
                                force=a.force, course_id=a.course_id, seed=a.seed)
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for path in written:
        nb = nbformat.read(path, as_version=4)
        tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        points = sum(c.metadata["nbgrader"]["points"] for c in tests)
        print(f"{path}: {len(tests)} graded cell(s), {points} point(s)")
    print(f"{a.course_dir / 'nbgrader_config.py'}: written. Next: cd {a.course_dir} && "
          "nbgrader generate_assignment NAME")
    return 0


if __name__ == "__main__":
    sys.exit(main())
