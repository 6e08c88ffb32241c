"""Student copies: every lesson gives one, it runs top to bottom, its checks say "not attempted",
and putting the solutions back gives the worked, nbval-validated lesson again."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_lib.student import (
    SolutionMarkerError,
    main,
    make_student_copy,
    restore_solutions,
    write_student_copies,
)

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ASSIGNMENTS = sorted((ROOT / "assignments").glob("*.ipynb"))
ALL = LESSONS + ASSIGNMENTS
SOLUTION = "### BEGIN SOLUTION"


def _nb(*sources, markdown=()):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.cells += [nbformat.v4.new_markdown_cell(s) for s in markdown]
    return nb


def test_top_level_and_indented_regions_get_their_stubs():
    nb = _nb("a = ...\n### BEGIN SOLUTION\na = 1\n### END SOLUTION\nq.check(a)",
             "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\nq.check(f)",
             markdown=["Why?\n=== BEGIN SOLUTION ===\nBecause.\n=== END SOLUTION ==="])
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="Correct")]
    student, n = make_student_copy(nb)
    assert n == 3
    assert student.cells[0].source == "a = ...\n# YOUR CODE HERE\nq.check(a)"
    assert student.cells[0].outputs == []
    assert student.cells[1].source == ("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
                                       "\nq.check(f)")
    assert student.cells[2].source == "Why?\nYOUR ANSWER HERE"
    assert nb.cells[0].outputs, "the original must not change"
    back = restore_solutions(student, nb)
    assert [c.source for c in back.cells] == [c.source for c in nb.cells]


def test_unbalanced_markers_are_reported_with_the_cell():
    with pytest.raises(SolutionMarkerError, match="cell 0, line 1.*never closed"):
        make_student_copy(_nb("### BEGIN SOLUTION\nx = 1"), "demo")
    with pytest.raises(SolutionMarkerError, match="without"):
        make_student_copy(_nb("x = 1\n### END SOLUTION"))


def test_command_writes_chosen_lessons(tmp_path, capsys):
    assert main([str(tmp_path), "00"]) == 0
    assert (tmp_path / "00_start_here.ipynb").exists()
    assert "solution(s) replaced" in capsys.readouterr().out
    assert main([str(tmp_path), "99"]) == 2
    assert "not found" in capsys.readouterr().err


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_student_copy_differs_only_by_solutions(path):
    nb = nbformat.read(path, as_version=4)
    student, n = make_student_copy(nb, path.name)
    minimum = 1 if path.stem.startswith("00") else 3
    assert n >= minimum, f"{path.name} has {n} marked solutions; expected at least {minimum}"
    assert all(SOLUTION not in c.source for c in student.cells)
    back = restore_solutions(student, nb)
    assert [c.source for c in back.cells] == [c.source for c in nb.cells]
    # The worked lesson, validated by nbval with these outputs, passes every check it marks.
    for cell in nb.cells:
        if cell.cell_type == "code" and SOLUTION in cell.source and ".check(" in cell.source:
            text = _text(cell.outputs)
            assert "Correct" in text, f"{path.name}: a solved exercise does not report Correct:\n{cell.source}"


def _text(outputs) -> str:
    parts = []
    for o in outputs:
        parts.append(o.get("text", ""))
        parts.append(o.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_student_copy_runs_and_reports_not_attempted(path, tmp_path):
    (written, n), = write_student_copies(tmp_path, [str(path)])
    nb = nbformat.read(written, as_version=4)
    os.environ.setdefault("KERAS_BACKEND", "torch")
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors, f"{path.name}: the student copy raised {errors[0].ename}: {errors[0].evalue}"
    checked = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and "# YOUR CODE HERE" in cell.source and ".check(" in cell.source:
            text = _text(cell.outputs)
            assert "Not attempted yet" in text, f"{path.name}: a check did not say not attempted:\n{text}"
            checked += 1
    assert checked >= 1
