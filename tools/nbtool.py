"""Write and re-run the lesson notebooks so that their saved outputs are what nbval compares.

    python tools/nbtool.py build SOURCE.py notebooks/NN_name.ipynb   # percent-format -> executed notebook
    python tools/nbtool.py run notebooks/03_convolution.ipynb ...    # re-execute in place, save outputs
    python tools/nbtool.py run --all                                  # every lesson and assignment
    python tools/nbtool.py travel --all     # install guard first, pictures embedded (then run)

A percent-format source separates cells with ``# %%`` (code) and ``# %% [markdown]`` (markdown;
its lines start with ``# ``). The notebooks in notebooks/ are the source of truth; a percent
source is only a convenient way to write a new one.

Execution uses a fresh kernel of the current Python environment, with the notebook's folder
as the working directory, ``KERAS_BACKEND=torch`` and a fixed hash seed, exactly as nbval runs it.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def parse_percent(text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    chunks = re.split(r"^# %%(.*)$", text, flags=re.M)
    # chunks: [preamble, header1, body1, header2, body2, ...]
    for header, body in zip(chunks[1::2], chunks[2::2]):
        body = body.strip("\n")
        if "[markdown]" in header:
            lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in body.splitlines()]
            nb.cells.append(nbformat.v4.new_markdown_cell("\n".join(lines).strip("\n")))
        else:
            if body.strip():
                nb.cells.append(nbformat.v4.new_code_cell(body))
    return nb


GUARD_TAG = "# course_lib install guard"


def install_guard(version: str) -> str:
    """The first code cell of every lesson: installs course_lib where it is missing (Colab, a
    fresh JupyterHub or VS Code environment), pinned to the version the notebook was validated
    with, and does nothing where it is installed. It prints one line either way."""
    return f"""{GUARD_TAG}: installs course_lib {version} where it is missing (e.g. Colab); else does nothing
import importlib.util
import os

if importlib.util.find_spec("course_lib") is None:
    # Another source (a wheel file, a repository URL) can be set in COURSE_LIB_PIP.
    _source = os.environ.get("COURSE_LIB_PIP", "course-lib[lessons]=={version}")
    %pip install --quiet {{_source}}
import course_lib

print(f"course_lib {{course_lib.__version__}} is ready (this notebook was validated with {version})")"""


def make_travel(nb: nbformat.NotebookNode, images: Path, version: str) -> nbformat.NotebookNode:
    """Make a notebook run from a folder of its own: the install guard is its first code cell
    (added or brought up to ``version``) and the pictures its markdown shows from ``../images``
    are embedded as cell attachments."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    guard = nbformat.v4.new_code_cell(install_guard(version))
    if code and code[0].source.startswith(GUARD_TAG):
        code[0].source = guard.source
    else:
        first = nb.cells.index(code[0]) if code else len(nb.cells)
        nb.cells.insert(first, guard)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for name in re.findall(r"\(\.\./images/([\w.-]+\.png)\)", cell.source):
            data = base64.b64encode((images / name).read_bytes()).decode("ascii")
            cell.setdefault("attachments", {})[name] = {"image/png": data}
            cell.source = cell.source.replace(f"(../images/{name})", f"(attachment:{name})")
        for name in re.findall(r"\(attachment:([\w.-]+\.png)\)", cell.source):
            if (images / name).exists():  # keep embedded pictures current with images/
                data = base64.b64encode((images / name).read_bytes()).decode("ascii")
                cell.setdefault("attachments", {})[name] = {"image/png": data}
    return nb


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop volatile metadata so that a re-run changes only what really changed."""
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{k:03d}"
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata.pop("widgets", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 600) -> nbformat.NotebookNode:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb


def run(path: Path) -> float:
    t0 = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    execute(clean(nb), path.parent)
    nbformat.write(clean(nb), path)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="percent-format source -> executed notebook")
    b.add_argument("source", type=Path)
    b.add_argument("notebook", type=Path)
    b.add_argument("--no-run", action="store_true", help="write without executing")
    r = sub.add_parser("run", help="re-execute notebooks in place")
    r.add_argument("notebooks", type=Path, nargs="*")
    r.add_argument("--all", action="store_true")
    t = sub.add_parser("travel", help="add the install guard and embed pictures (no run)")
    t.add_argument("notebooks", type=Path, nargs="*")
    t.add_argument("--all", action="store_true")
    a = p.parse_args(argv)
    if a.cmd == "build":
        nb = clean(parse_percent(a.source.read_text()))
        a.notebook.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, a.notebook)
        if not a.no_run:
            print(f"{a.notebook}: {run(a.notebook):.1f} s")
        return 0
    paths = list(a.notebooks)
    if a.all:
        paths = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "assignments").glob("*.ipynb"))
    if not paths:
        p.error("name notebooks, or --all")
    if a.cmd == "travel":
        import course_lib

        for path in paths:
            nb = make_travel(nbformat.read(path, as_version=4), ROOT / "images",
                             course_lib.__version__)
            nbformat.write(clean(nb), path)
            print(f"{path}: install guard and embedded pictures in place")
        return 0
    for path in paths:
        print(f"{path}: {run(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
