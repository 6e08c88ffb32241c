"""The workbook wherever learners are: lessons that run from a folder of their own with only the
built wheel installed, a core that needs only NumPy and matplotlib, and a setup that tells the truth
(Python version, PyTorch build, the port JupyterLab really listens on)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

import course_lib
from course_lib import cli

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "assignments").glob("*.ipynb"))
NUMERIC = ["activations", "conv", "data", "dense", "exercises", "kernels", "lstm", "pooling", "rnn",
           "setup_check", "vgg", "plotting", "plotting.cnn", "plotting.layers"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_code_cell_is_the_install_guard_pinned_to_this_version(path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.source.startswith("# course_lib install guard"), f"{path.name}: run nbtool travel"
    assert f'"course-lib[lessons]=={course_lib.__version__}"' in first.source
    assert "%pip install" in first.source and 'find_spec("course_lib") is None' in first.source
    text = "".join(o.get("text", "") for o in first.outputs)
    assert text.strip() == (f"course_lib {course_lib.__version__} is ready (this notebook was "
                            f"validated with {course_lib.__version__})"), "one line, either way"


def test_python_version_message_names_found_and_needed():
    assert cli.python_problem((3, 11, 0)) is None and cli.python_problem((3, 13, 1)) is None
    msg = cli.python_problem((3, 10, 12))
    assert "3.10.12" in msg and "3.11" in msg and "\n" not in msg


def _older_pythons() -> list[str]:
    found = [shutil.which(f"python3.{m}") for m in (8, 9, 10)]
    found += glob.glob(os.path.expanduser("~/.pyenv/versions/3.[6-9]*/bin/python"))
    found += glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python"))
    works = lambda p: subprocess.run([p, "-c", "pass"], capture_output=True).returncode == 0  # noqa: E731
    return sorted({p for p in found if p and works(p)})  # pyenv's shims may lead nowhere


def test_setup_with_an_older_python_stops_with_one_line():
    olds = _older_pythons()
    if not olds:
        pytest.skip("no Python older than 3.11 on this machine (looked for python3.8-3.10 and pyenv)")
    for old in olds:
        r = subprocess.run([old, "-m", "course_lib", "setup"], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
        version = subprocess.run([old, "-c", "import platform; print(platform.python_version())"],
                                 capture_output=True, text=True).stdout.strip()
        assert r.returncode == 2, (old, r.stdout, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and version in lines[0] and "3.11 or newer" in lines[0], r.stderr


def test_pytorch_build_is_chosen_for_the_platform():
    never = lambda url: pytest.fail("no index needs probing here")  # noqa: E731
    assert cli.torch_source("Darwin", False, never)[0] == []
    assert cli.torch_source("Windows", False, never)[0] == []
    assert cli.torch_source("Linux", True, never)[0] == []
    args, why = cli.torch_source("Linux", False, lambda url: True)
    assert args == ["--index-url", cli.TORCH_CPU_INDEX] and "CPU" in why
    args, why = cli.torch_source("Linux", False, lambda url: False)
    assert args == [] and why.startswith("note:") and "cannot be reached" in why


def test_unreachable_index_is_noticed_quickly():
    t0 = time.perf_counter()
    assert not cli.index_reachable("http://127.0.0.1:9/nothing", timeout=2)
    assert time.perf_counter() - t0 < 5


def test_free_port_skips_a_busy_one():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.free_port(port) != port


def _stamp_current() -> bool:
    stamp = ROOT / ".venv" / ".workbook-stamp"
    return stamp.exists() and stamp.read_text().strip() == cli._stamp(ROOT)


@pytest.mark.slow
def test_lab_banner_names_the_port_it_really_listens_on(tmp_path):
    if not _stamp_current():
        pytest.skip("the checkout's .venv is not set up as ./workbook setup leaves it")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        env = {**os.environ, "HOME": str(tmp_path), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
               "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "JUPYTER_TOKEN": "t0ken"}
        proc = subprocess.Popen([sys.executable, "-m", "course_lib", "lab", "--port", str(taken),
                                 "--no-browser"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        try:
            banner = ""
            while "opening JupyterLab" not in banner:
                line = proc.stdout.readline()
                assert line, f"lab ended before its banner: {banner}"
                banner += line
            port = int(re.search(r"http://127\.0\.0\.1:(\d+)", banner.split("opening")[1]).group(1))
            assert port != taken and f"port {taken} is busy; using {port}" in banner
            deadline = time.time() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=t0ken",
                                                timeout=2) as r:
                        assert r.status == 200
                        break
                except OSError:
                    assert time.time() < deadline and proc.poll() is None, "no server on that port"
                    time.sleep(0.5)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    deadline = time.time() + 20
    while True:   # lab became JupyterLab itself: terminating it leaves no server behind
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                break
        assert time.time() < deadline, f"a server still listens on {port} after lab ended"
        time.sleep(0.5)


def _venv(where: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", where], check=True)
    return where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _pip(py: Path, *args: str) -> None:
    r = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "-c",
                        str(ROOT / "constraints.txt"), *args], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (built,) = out.glob("course_lib-*.whl")
    return built


@pytest.mark.slow
def test_core_alone_imports_every_numeric_module(wheel, tmp_path):
    py = _venv(tmp_path / "core")
    _pip(py, str(wheel))
    bare = tmp_path / "bare"
    bare.mkdir()
    code = ("import importlib, importlib.util, sys\n"
            f"for m in {NUMERIC!r}:\n"
            "    importlib.import_module('course_lib.' + m)\n"
            "absent = [m for m in ('torch', 'keras', 'sklearn', 'ipywidgets', 'jupyterlab', 'scipy')\n"
            "          if importlib.util.find_spec(m) is not None]\n"
            "assert not absent, absent\n"
            "import course_lib\n"
            "assert 'site-packages' in course_lib.__file__, course_lib.__file__\n"
            "print('ok')\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([str(py), "-c", code], cwd=bare, capture_output=True, text=True, env=env)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


@pytest.mark.slow
def test_lessons_run_from_a_bare_folder_installing_course_lib_themselves(wheel, tmp_path):
    """Colab's case: a kernel without course_lib, one notebook in an empty folder. The install
    guard installs the wheel (COURSE_LIB_PIP names it, as a released package would be named),
    then the whole lesson runs top to bottom."""
    py = _venv(tmp_path / "env")
    _pip(py, "ipykernel", "nbclient")
    bare = tmp_path / "bare"
    bare.mkdir()
    names = ["03_convolution.ipynb", "04_padding_and_strides.ipynb",
             "A1_conv2d_forward_backward.ipynb"]
    for name in names:
        src = ROOT / ("assignments" if name.startswith("A") else "notebooks") / name
        shutil.copy(src, bare / name)
    code = ("import sys, nbformat\n"
            "from nbclient import NotebookClient\n"
            "for name in sys.argv[1:]:\n"
            "    nb = nbformat.read(name, as_version=4)\n"
            "    NotebookClient(nb, timeout=600, kernel_name='python3').execute()\n"
            "    first = next(c for c in nb.cells if c.cell_type == 'code')\n"
            "    print(name, first.outputs[-1].get('text', '').strip().splitlines()[-1])\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(COURSE_LIB_PIP=f"{wheel}[lessons]", PIP_CONSTRAINT=str(ROOT / "constraints.txt"),
               KERAS_BACKEND="torch", PATH=f"{py.parent}{os.pathsep}{env.get('PATH', '')}")
    r = subprocess.run([str(py), "-c", code, *names], cwd=bare, capture_output=True, text=True,
                       env=env, timeout=1500)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-5000:]
    for name in names:
        assert f"{name} course_lib {course_lib.__version__} is ready" in r.stdout, r.stdout
    where = subprocess.run([str(py), "-c", "import course_lib; print(course_lib.__file__)"],
                           cwd=bare, capture_output=True, text=True, env=env).stdout
    assert "site-packages" in where and str(ROOT) not in where
    assert sorted(p.name for p in bare.iterdir()) == sorted(names), "nothing else was needed"
