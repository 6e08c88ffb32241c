"""Grading a class with real nbgrader: export, generate_assignment, autograde four students,
generate_feedback, export the gradebook, and check every number and message that comes out."""

from __future__ import annotations

import csv
import html
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib import nbgrader as export
from course_lib.exercise_sets import assignment_conv, lesson03, lesson04
from course_lib.student import find_notebooks

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ASSIGNMENTS = {"03_convolution": 4, "04_padding_and_strides": 5, "A1_conv2d_forward_backward": 4}

LOOP = "def {name}(*args, **kwargs):\n    while True:\n        pass\n"
# One slip per assignment, each answered wrongly by the student "slips"; the messages come from
# the exercises themselves, so the test follows their wording.
WRONG = {
    "03_convolution": ("q1", "answer_1 = np.array([[-2, 10], [1, -5]])\nex.q1.check(answer_1)",
                       lambda: lesson03.q1.check(np.array([[-2, 10], [1, -5]])).message),
    "04_padding_and_strides": (
        "q2", "def same_padding(kernel_size):\n    return kernel_size - 1\n\n\nex.q2.check(same_padding)",
        lambda: lesson04.q2.check(lambda kernel_size: kernel_size - 1).message),
    "A1_conv2d_forward_backward": (
        "gradient_check",
        "def numerical_gradient(f, x, eps=1e-6):\n    return np.zeros_like(x)\n\n\n"
        "a1.gradient_check.check(numerical_gradient)",
        lambda: assignment_conv.gradient_check.check(
            lambda f, x, eps=1e-6: np.zeros_like(x)).message),
}
LOOPS = {"03_convolution": ("q3", "my_correlate2d", "ex.q3"),
         "04_padding_and_strides": ("q5", "my_correlate2d", "ex.q5"),
         "A1_conv2d_forward_backward": ("gradient_check", "numerical_gradient", "a1.gradient_check")}


CELL_TIMEOUT = 30   # these lessons' cells take a few seconds; the loops end sooner than at 120 s


def _nbgrader(course: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "KERAS_BACKEND": "torch", "HOME": str(course.parent / "home")}
    r = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, f"nbgrader {' '.join(args)}:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}"
    return r


def _by_id(nb):
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def _submit(course: Path, student: str, name: str, nb) -> None:
    target = course / "submitted" / student / name / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


def test_export_writes_nbgrader_metadata_and_graded_cells(tmp_path):
    (path,) = export.export_course(tmp_path / "c", ["03"])
    nb = nbformat.read(path, as_version=4)
    meta = [c.metadata["nbgrader"] for c in nb.cells]
    assert all(m["locked"] != m["solution"] for m in meta), "teaching cells are read-only"
    graded = [m for m in meta if m["grade"]]
    assert [m["grade_id"] for m in graded] == ["q1-test", "q2-test", "q3-test", "q4-test"]
    assert sum(m["points"] for m in graded) == 4
    assert len({m["grade_id"] for m in meta}) == len(meta), "grade ids are unique"
    q3 = _by_id(nb)["q3-test"].source
    assert "### BEGIN HIDDEN TESTS" in q3 and "assert_correct_on_fresh_cases(ex.q3" in q3
    again = export.export_course(tmp_path / "c", ["03"])   # same content: no --force needed
    assert again == [path]


def test_fresh_cases_are_new_numbers_of_the_same_form():
    cases = export.fresh_cases(lesson03.q3, seed=1)
    visible = export.reference_exercise(lesson03.q3).cases
    assert len(cases) == len(visible) >= 3
    for (new, _), (old, _) in zip(cases, visible):
        for a, b in zip(new, old):
            if isinstance(b, np.ndarray) and b.size > 1:
                assert a.shape == b.shape and a.dtype == b.dtype and not np.array_equal(a, b)


def test_hidden_tests_pass_the_reference_and_catch_a_hard_coded_answer():
    ref = export.reference_exercise(lesson03.q3)
    worked = {"np": np}
    exec(lesson03.q3.solution().text, worked)   # the exercise's own worked solution
    export.assert_correct_on_fresh_cases(lesson03.q3, worked["my_correlate2d"], seed=3)
    answers = {args[0].tobytes(): ref.reference(*args, **kw) for args, kw in ref.cases}

    def memorised(image, kernel):   # right on every visible case, and only there
        return answers.get(image.tobytes(), np.zeros((1, 1)))

    assert lesson03.q3.check(memorised).correct, "it passes the visible tests"
    with pytest.raises(AssertionError, match="^not yet: .*in the hidden tests"):
        export.assert_correct_on_fresh_cases(lesson03.q3, memorised, seed=3)


def test_bad_input_names_what_is_wrong(tmp_path):
    with pytest.raises(ValueError, match="'99' not found"):
        export.export_course(tmp_path / "a", ["99"])
    other = tmp_path / "other"
    other.mkdir()
    (other / "nbgrader_config.py").write_text("c = get_config()\n")
    with pytest.raises(ValueError, match="belongs to another course.*--force"):
        export.export_course(other, ["03"])
    (path,) = export.export_course(tmp_path / "b", ["03"])
    path.write_text(path.read_text() + " ")
    with pytest.raises(ValueError, match="exists and differs.*--force"):
        export.export_course(tmp_path / "b", ["03"])
    assert export.export_course(tmp_path / "b", ["03"], force=True) == [path]
    broken = tmp_path / "broken.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\n### BEGIN SOLUTION\n")])
    nbformat.write(nb, broken)
    with pytest.raises(ValueError, match="broken, cell 0.*never closed"):
        export.export_course(tmp_path / "d", [str(broken)])
    with pytest.raises(ValueError, match="no lessons found.*--root"):
        export.export_course(tmp_path / "e", root=tmp_path)
    assert export.main([str(tmp_path / "f"), "nope"]) == 2


def test_an_exercise_without_points_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(lesson03.q2, "points", None)
    with pytest.raises(ValueError, match="q2|Exercise 2.*points"):
        export.export_course(tmp_path / "c", ["03"])


def test_solutions_off_by_default_for_assignments(tmp_path):
    paths = export.export_course(tmp_path / "c", ["03", "A1"])
    lesson, assignment = (nbformat.read(p, as_version=4) for p in paths)
    assert "solutions-off" not in _by_id(lesson) and "solutions-off" in _by_id(assignment)
    (on,) = export.export_course(tmp_path / "d", ["A1"], solutions="on")
    assert "solutions-off" not in _by_id(nbformat.read(on, as_version=4))


def test_student_command_finds_lessons_or_says_where_it_looked(tmp_path):
    assert len(find_notebooks([], ROOT)) == 10
    r = subprocess.run([sys.executable, "-m", "course_lib.student", str(tmp_path / "out"), "--root",
                        str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 2 and "no lessons found" in r.stderr and "--root" in r.stderr
    copy_root = tmp_path / "course"
    shutil.copytree(ROOT / "notebooks", copy_root / "notebooks")
    r = subprocess.run([sys.executable, "-m", "course_lib.student", str(tmp_path / "out"), "03",
                        "--root", str(copy_root)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "out" / "03_convolution.ipynb").exists(), r.stderr


@pytest.mark.slow
def test_the_whole_nbgrader_cycle_grades_four_students(tmp_path):
    course = tmp_path / "course"
    export.export_course(course, list(ASSIGNMENTS))
    for name in ASSIGNMENTS:
        _nbgrader(course, "generate_assignment", name)
    for name in ASSIGNMENTS:
        release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        source = _by_id(nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4))
        right = nbformat.from_dict(release)
        for gid, cell in _by_id(right).items():
            if cell.metadata["nbgrader"]["solution"]:
                cell.source = source[gid].source
        _submit(course, "right", name, right)
        _submit(course, "untouched", name, release)
        slip_id, slip_source, _ = WRONG[name]
        slips = nbformat.from_dict(right)
        _by_id(slips)[f"{slip_id}-answer"].source = slip_source
        _submit(course, "slips", name, slips)
        loop_id, fn, expr = LOOPS[name]
        loops = nbformat.from_dict(right)
        _by_id(loops)[f"{loop_id}-answer"].source = LOOP.format(name=fn) + f"\n\n{expr}.check({fn})"
        _submit(course, "loops", name, loops)
    t0 = time.perf_counter()
    for name in ASSIGNMENTS:
        _nbgrader(course, "autograde", name, f"--Execute.timeout={CELL_TIMEOUT}")
    took = time.perf_counter() - t0
    _nbgrader(course, "export", "--to", str(tmp_path / "grades.csv"))
    with open(tmp_path / "grades.csv") as f:
        grades = {(row["student_id"], row["assignment"]): (float(row["score"]), float(row["max_score"]))
                  for row in csv.DictReader(f)}
    for name, total in ASSIGNMENTS.items():
        assert grades["right", name] == (total, total)
        assert grades["untouched", name] == (0, total)
        assert grades["slips", name] == (total - 1, total)
        assert grades["loops", name] == (total - 1, total), "graded, its other answers counted"
    # The looping answers are stopped by their checks (5 s) and, where a teaching cell calls the
    # function, by the cell timeout: the run ends, it does not hang.
    assert took < 12 * 60, f"autograding 12 submissions took {took:.0f} s"
    for name in ASSIGNMENTS:
        _nbgrader(course, "generate_feedback", name)
        report = html.unescape((course / "feedback" / "slips" / name / f"{name}.html").read_text())
        reason = WRONG[name][2]().rsplit(": ", 1)[-1]   # past the test's call, which names objects
        assert "not yet: " in report and reason in report, f"{name}: feedback quotes {reason!r}"
        untouched = (course / "feedback" / "untouched" / name / f"{name}.html").read_text()
        assert "not attempted yet" in untouched
        looped = (course / "feedback" / "loops" / name / f"{name}.html").read_text()
        assert "did not return within" in looped
