"""Every figure the lessons' markdown shows is registered with code that draws it, and exists."""

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


def test_images_referenced_by_notebooks_are_made_by_code():
    images = make_images.registry()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for ref in re.findall(r"\.\./images/([\w.-]+\.png)", cell.source):
                assert ref in images, f"{path.name} shows images/{ref}, which no plotting module draws"
                assert (ROOT / "images" / ref).exists(), f"{path.name}: images/{ref} is missing"
