"""The workbook's commands, for every platform: ``python -m course_lib COMMAND``.

    setup     create .venv in the checkout and install the validated versions (constraints.txt)
    lab       set up (first run only) and open the lessons in JupyterLab
    test      set up (first run only) and run every test: lint, unit tests, notebooks (nbval)
    student   make student copies of the lessons (python -m course_lib student OUT [LESSON ...])
    check     say whether the installed packages are the ones the workbook needs

``./workbook`` is a thin POSIX wrapper around this module. It uses the standard library only,
because it runs before anything is installed, with whatever Python the learner has.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from course_lib.labserver import EXTENSION

__all__ = ["main", "setup", "python_problem", "torch_source", "free_port", "checkout_root",
           "SetupError"]

PYTHON_NEEDED = (3, 11)
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
DEFAULT_PORT = 8888
FIRST_LESSON = "notebooks/00_start_here.ipynb"


class SetupError(RuntimeError):
    """A step of the set-up that cannot go on; its message says what to do."""


def python_problem(version: tuple[int, ...] | None = None) -> str | None:
    """One line naming the version found and the version needed, or None if it is new enough."""
    found = tuple(version or sys.version_info[:3])
    if found[:2] >= PYTHON_NEEDED:
        return None
    need = ".".join(map(str, PYTHON_NEEDED))
    return (f"course_lib needs Python {need} or newer; this is Python "
            f"{'.'.join(map(str, found))}. Install Python {need} and run it with that one "
            f"(PYTHON=python{need} ./workbook setup, or py -{need} -m course_lib setup).")


def checkout_root() -> Path | None:
    """The folder of the workbook's checkout (pyproject.toml beside course_lib), if there is one."""
    for candidate in (Path(__file__).resolve().parents[1], Path.cwd()):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and 'name = "course-lib"' in pyproject.read_text("utf-8"):
            return candidate
    return None


def venv_python(root: Path) -> Path:
    sub = ("Scripts", "python.exe") if os.name == "nt" else ("bin", "python")
    return root.joinpath(".venv", *sub)


def _stamp(root: Path) -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def _pinned(root: Path, name: str) -> str | None:
    for line in (root / "constraints.txt").read_text("utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line.lower().startswith(name + "=="):
            return line.split("==", 1)[1]
    return None


def has_nvidia_gpu() -> bool:
    return shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia").exists()


def index_reachable(url: str, timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def torch_source(system: str | None = None, gpu: bool | None = None,
                 reachable=index_reachable) -> tuple[list[str], str]:
    """pip's index arguments for PyTorch, and one line saying which build that gives and why.

    Only Linux without an NVIDIA GPU needs PyTorch's own CPU index: there, the default index
    serves the CUDA build (several GB). macOS and Windows get a CPU build from the default index.
    """
    system = system or platform.system()
    gpu = has_nvidia_gpu() if gpu is None else gpu
    if system != "Linux":
        return [], f"PyTorch from the default index (its {system} build runs on the CPU)"
    if gpu:
        return [], "PyTorch from the default index (an NVIDIA GPU was found: its CUDA build)"
    if reachable(TORCH_CPU_INDEX + "/torch/"):
        return (["--index-url", TORCH_CPU_INDEX],
                "PyTorch's CPU build, from PyTorch's CPU index (no GPU found)")
    return [], ("note: PyTorch's CPU index cannot be reached, so PyTorch comes from the default "
                "index; on Linux that index may serve the CUDA build, several GB (the workbook "
                "needs only the CPU)")


def _run(cmd: list, **kw) -> None:
    result = subprocess.run([str(c) for c in cmd], **kw)
    if result.returncode != 0:
        raise SetupError(f"this step failed (exit {result.returncode}): {' '.join(map(str, cmd))}")


def _installed_version(py: Path, dist: str) -> str | None:
    code = ("import importlib.metadata as m, sys\n"
            "try: print(m.version(sys.argv[1]))\n"
            "except m.PackageNotFoundError: pass")
    out = subprocess.run([str(py), "-c", code, dist], capture_output=True, text=True)
    return out.stdout.strip() or None


def setup(root: Path, quiet: bool = True) -> Path:
    """Create ``root/.venv`` (once) and install the validated versions; return its python."""
    problem = python_problem()
    if problem:
        raise SetupError(problem)
    py = venv_python(root)
    if not py.exists():
        print(f"==> creating the virtual environment in {root / '.venv'}", flush=True)
        _run([sys.executable, "-m", "venv", root / ".venv"])
    stamp_file = root / ".venv" / ".workbook-stamp"
    want = _stamp(root)
    if stamp_file.exists() and stamp_file.read_text().strip() == want:
        return py
    q = ["--quiet"] if quiet else []
    print("==> installing the validated versions (constraints.txt); the first time takes a "
          "minute or two", flush=True)
    _run([py, "-m", "pip", "install", *q, "--upgrade", "pip"])
    pin = _pinned(root, "torch")
    have = _installed_version(py, "torch")
    if pin is None or have is None or have.split("+")[0] != pin:
        index_args, why = torch_source()
        print(f"==> {why}", flush=True)
        _run([py, "-m", "pip", "install", *q, "-c", root / "constraints.txt", *index_args,
              "torch"])
    _run([py, "-m", "pip", "install", *q, "-c", root / "constraints.txt", "-e",
          f"{root}[test]"])
    stamp_file.write_text(want + "\n")
    return py


def free_port(start: int, host: str = "127.0.0.1", tries: int = 50) -> int:
    """The first port from ``start`` on that nothing listens on."""
    for port in range(start, start + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port
    raise SetupError(f"ports {start} to {start + tries - 1} are all busy; pass --port")


def lab_command(py: Path, root: Path, port: int, extra: list[str]) -> list[str]:
    cmd = [str(py), "-m", "jupyterlab", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
           f"--LabApp.default_url=/lab/tree/{FIRST_LESSON}",
           f"--ServerApp.jpserver_extensions={EXTENSION}"]  # widget replies without delay
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd + list(extra)


def _hand_over(cmd: list[str], cwd: Path) -> int:
    """Run ``cmd`` as this process's last act. On POSIX the process becomes it (exec), so Ctrl-C
    and a terminate signal reach JupyterLab or pytest directly and nothing is left running."""
    if os.name == "posix":
        os.chdir(cwd)
        sys.stdout.flush()
        os.execv(cmd[0], cmd)
    return subprocess.call(cmd, cwd=cwd)


def _need_root() -> Path:
    root = checkout_root()
    if root is None:
        raise SetupError("this command works in the workbook's checkout (the folder with "
                         "pyproject.toml and notebooks/); cd there first")
    return root


def _split_port(rest: list[str], default: int) -> tuple[int, list[str]]:
    """Take ``--port N`` (or ``--port=N``) out of lab's arguments; the rest go to JupyterLab."""
    port, out, it = default, [], iter(rest)
    for arg in it:
        if arg == "--port" or arg.startswith("--port="):
            value = arg.split("=", 1)[1] if "=" in arg else next(it, "")
            if not value.isdigit() or not 0 < int(value) < 65536:
                raise SetupError(f"--port must be a port number (1-65535), got {value!r}")
            port = int(value)
        else:
            out.append(arg)
    return port, out


def main(argv: list[str] | None = None) -> int:
    """``python -m course_lib COMMAND [ARGS]``; returns the exit status (2 for a set-up problem)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m course_lib", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["setup", "lab", "test", "student", "check"])
    # Everything after the command goes on unchanged: to JupyterLab (lab, after --port N),
    # pytest (test) or course_lib.student (student).
    args = parser.parse_args(argv[:1])
    rest = argv[1:]
    os.environ["KERAS_BACKEND"] = "torch"
    try:
        if args.command == "check" and checkout_root() is None:
            from course_lib.setup_check import main as check  # an installed course_lib
            return check()
        root = _need_root()
        py = setup(root)
        if args.command == "setup":
            return 0
        if args.command == "lab":
            wanted, rest = _split_port(rest, int(os.environ.get("PORT", DEFAULT_PORT)))
            port = free_port(wanted)
            if port != wanted:
                print(f"==> port {wanted} is busy; using {port}", flush=True)
            print(f"==> opening JupyterLab on http://127.0.0.1:{port} (the address with its "
                  "login token is printed below; Ctrl-C stops it)", flush=True)
            return _hand_over(lab_command(py, root, port, rest), root)
        if args.command == "test":
            print("==> lint (ruff)", flush=True)
            if subprocess.call([str(py), "-m", "ruff", "check", "."], cwd=root):
                return 1
            print("==> tests: unit tests, then every notebook with strict nbval", flush=True)
            return _hand_over([str(py), "-m", "pytest", *rest], root)
        if args.command == "student":
            return subprocess.call([str(py), "-m", "course_lib.student", *rest], cwd=root)
        return subprocess.call([str(py), "-m", "course_lib.setup_check"], cwd=root)
    except SetupError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
