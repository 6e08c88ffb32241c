"""Student copies: the lessons with their worked answers replaced by stubs a learner fills in.

    python -m course_lib.student OUT_DIR                 # every lesson in notebooks/
    python -m course_lib.student OUT_DIR 03 04           # chosen lessons (by number or file name)
    python -m course_lib.student OUT_DIR assignments/*.ipynb

The committed notebooks are the worked, nbval-validated versions. In them, each exercise's answer
sits between nbgrader's markers::

    answer = ...   # your answer here
    ### BEGIN SOLUTION
    answer = 42
    ### END SOLUTION
    q1.check(answer)

A student copy replaces each marked region with a stub: ``# YOUR CODE HERE`` at the top level of a
cell (the placeholder line before the region keeps the cell runnable, and ``check`` then reports
"not attempted yet"), and ``raise NotImplementedError()`` inside a function body (which ``check``
also reports as "not attempted yet"). Markdown answers between ``=== BEGIN SOLUTION ===`` and
``=== END SOLUTION ===`` become "YOUR ANSWER HERE". Outputs are cleared; checks, hints and widgets
stay. To grade with nbgrader, export the lessons as an nbgrader course instead
(``python -m course_lib.nbgrader COURSE_DIR``), which adds the metadata and graded cells nbgrader needs.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

__all__ = ["SolutionMarkerError", "make_student_copy", "solution_regions", "restore_solutions",
           "workbook_root", "find_notebooks", "write_student_copies", "main"]

BEGIN_CODE, END_CODE = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_MD, END_MD = "=== BEGIN SOLUTION ===", "=== END SOLUTION ==="
CODE_STUB_TOP = "# YOUR CODE HERE"
CODE_STUB_INDENTED = "# YOUR CODE HERE\nraise NotImplementedError()"
MD_STUB = "YOUR ANSWER HERE"


class SolutionMarkerError(ValueError):
    """A BEGIN marker without its END (or the other way round)."""


def solution_regions(source: str, begin: str = BEGIN_CODE, end: str = END_CODE,
                     where: str = "cell") -> list[tuple[int, int, str]]:
    """The marked regions of one cell: (first line, last line, indent), line numbers 0-based,
    both markers included."""
    regions, start, indent = [], None, ""
    lines = source.splitlines()
    for k, line in enumerate(lines):
        stripped = line.strip()
        if stripped == begin:
            if start is not None:
                raise SolutionMarkerError(f"{where}, line {k + 1}: {begin!r} again before {end!r}")
            start, indent = k, line[: len(line) - len(line.lstrip())]
        elif stripped == end:
            if start is None:
                raise SolutionMarkerError(f"{where}, line {k + 1}: {end!r} without {begin!r}")
            regions.append((start, k, indent))
            start = None
    if start is not None:
        raise SolutionMarkerError(f"{where}, line {start + 1}: {begin!r} is never closed by {end!r}")
    return regions


def _stub(indent: str, markdown: bool) -> list[str]:
    if markdown:
        return [MD_STUB]
    text = CODE_STUB_INDENTED if indent else CODE_STUB_TOP
    return [indent + ln for ln in text.splitlines()]


def _replace_regions(source: str, markdown: bool, where: str) -> tuple[str, int]:
    begin, end = (BEGIN_MD, END_MD) if markdown else (BEGIN_CODE, END_CODE)
    regions = solution_regions(source, begin, end, where)
    if not regions:
        return source, 0
    lines = source.splitlines()
    out, pos = [], 0
    for first, last, indent in regions:
        out += lines[pos:first] + _stub(indent, markdown)
        pos = last + 1
    out += lines[pos:]
    return "\n".join(out), len(regions)


def make_student_copy(nb: nbformat.NotebookNode, name: str = "notebook"
                      ) -> tuple[nbformat.NotebookNode, int]:
    """A student copy of ``nb`` (which is not changed) and the number of solutions removed."""
    student = copy.deepcopy(nb)
    removed = 0
    for k, cell in enumerate(student.cells):
        where = f"{name}, cell {k}"
        if cell.cell_type == "code":
            cell.source, n = _replace_regions(cell.source, False, where)
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source, n = _replace_regions(cell.source, True, where)
        else:
            n = 0
        removed += n
    student.metadata["course_lib"] = {"student_copy": True}
    return student, removed


def restore_solutions(student: nbformat.NotebookNode, original: nbformat.NotebookNode
                      ) -> nbformat.NotebookNode:
    """Put the original's worked answers back into a student copy, cell by cell (the learner's
    other edits are kept). Used by the tests to show that a student copy differs from the
    lesson only by its solutions."""
    if len(student.cells) != len(original.cells):
        raise ValueError(f"student copy has {len(student.cells)} cells, the original "
                         f"{len(original.cells)}: they are not the same lesson")
    restored = copy.deepcopy(student)
    for k, (s_cell, o_cell) in enumerate(zip(restored.cells, original.cells)):
        markdown = o_cell.cell_type == "markdown"
        begin, end = (BEGIN_MD, END_MD) if markdown else (BEGIN_CODE, END_CODE)
        o_lines = o_cell.source.splitlines()
        regions = solution_regions(o_cell.source, begin, end, f"cell {k}")
        if not regions:
            continue
        s_lines = s_cell.source.splitlines()
        out, pos = [], 0
        for first, last, indent in regions:
            stub = _stub(indent, markdown)
            # find the stub in the student cell, from pos on
            for j in range(pos, len(s_lines) - len(stub) + 1):
                if s_lines[j:j + len(stub)] == stub:
                    break
            else:
                raise ValueError(f"cell {k}: the stub for a solution is no longer in the student copy")
            out += s_lines[pos:j] + o_lines[first:last + 1]
            pos = j + len(stub)
        out += s_lines[pos:]
        s_cell.source = "\n".join(out)
    return restored


def workbook_root(root: Path | str | None = None) -> Path:
    """The folder that holds ``notebooks/`` (and ``assignments/``): ``root`` if given, else this
    checkout (course_lib installed editable or imported from it), else the working folder."""
    if root is not None:
        candidates = [Path(root)]
    else:
        candidates = [Path(__file__).resolve().parents[1], Path.cwd()]
    for candidate in candidates:
        if sorted(candidate.glob("notebooks/[0-9][0-9]_*.ipynb")):
            return candidate
    where = candidates[0] if root is not None else " or ".join(map(str, candidates))
    raise ValueError(f"no lessons found: {where} has no notebooks/NN_*.ipynb; pass --root with the "
                     "workbook's folder (a checkout of its repository)")


def find_notebooks(selection: list[str], root: Path | str | None = None,
                   include_assignments: bool = False) -> list[Path]:
    """The notebooks that ``selection`` names: lesson or assignment numbers (``03``, ``A1``),
    names (``03_convolution``) or paths; every lesson (and, with ``include_assignments``, every
    assignment) when it is empty."""
    base = workbook_root(root)
    lessons = sorted((base / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assignments = sorted((base / "assignments").glob("A[0-9]*_*.ipynb"))
    if not selection:
        return lessons + (assignments if include_assignments else [])
    paths = []
    for item in selection:
        p = Path(item)
        if p.suffix == ".ipynb" and p.exists():
            paths.append(p)
            continue
        matches = [q for q in lessons + assignments
                   if re.match(rf"{re.escape(item)}(_|\.ipynb$)", q.name) or q.stem == item]
        if not matches:
            valid = ", ".join(q.stem for q in lessons + assignments)
            raise ValueError(f"lesson {item!r} not found; valid: a path to a notebook, or one of {valid}")
        paths += matches
    return paths


def write_student_copies(out_dir: Path | str, selection: list[str] | None = None,
                         root: Path | str | None = None) -> list[tuple[Path, int]]:
    """Write student copies of the chosen lessons (all by default) into ``out_dir``.

    Returns (written path, number of solutions replaced) for each notebook.
    """
    paths = find_notebooks(list(selection or []), root)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        student, n = make_student_copy(nb, path.name)
        target = out_dir / path.name
        nbformat.write(student, target)
        written.append((target, n))
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m course_lib.student", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out_dir", type=Path, help="folder to write the student copies into")
    p.add_argument("lessons", nargs="*", help="lesson or assignment numbers (03, A1), names "
                                              "(03_convolution) or notebook paths; all lessons if none")
    p.add_argument("--root", type=Path, help="the workbook's folder (with notebooks/); found "
                                             "automatically in a checkout")
    a = p.parse_args(argv)
    try:
        written = write_student_copies(a.out_dir, a.lessons, a.root)
    except (ValueError, SolutionMarkerError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for path, n in written:
        print(f"{path}: {n} solution(s) replaced by stubs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
