"""Every figure the lessons' markdown shows is registered with code that draws it, and exists."""

import base64
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import make_images  # noqa: E402


def test_every_registered_image_exists_and_draws():
    images = make_images.registry()
    for name, fn in images.items():
        assert (ROOT / "images" / name).exists(), f"run python tools/make_images.py: images/{name} is missing"
        fig = fn()
        assert fig.axes, f"{name}: the figure has no axes"


def _notebooks():
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "assignments").glob("*.ipynb"))


def test_pictures_travel_with_their_notebook():
    """A lesson opened on its own (Colab, a JupyterHub) shows its pictures: each one is embedded
    as an attachment, drawn by registered code, and equal to the file in images/ (nbtool travel)."""
    images = make_images.registry()
    shown = 0
    for path in _notebooks():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert "../images/" not in cell.source, f"{path.name} links ../images/: run nbtool travel"
            if cell.cell_type != "markdown":
                continue
            for ref in re.findall(r"\(attachment:([\w.-]+\.png)\)", cell.source):
                assert ref in images, f"{path.name} shows {ref}, which no plotting module draws"
                embedded = base64.b64decode(cell.attachments[ref]["image/png"])
                assert embedded == (ROOT / "images" / ref).read_bytes(), (
                    f"{path.name}: the embedded {ref} is not images/{ref}; run nbtool travel")
                shown += 1
    assert shown >= 3, "lessons 01 and 02 show three pictures"
