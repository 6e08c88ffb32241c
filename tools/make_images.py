"""Regenerate every figure in images/ from the code that draws it.

    python tools/make_images.py            # write all images
    python tools/make_images.py --check    # list registered images that are missing from images/

Each plotting module (course_lib/plotting/<topic>.py) may define ``IMAGES``: a dict mapping a file
name to a zero-argument function that returns a matplotlib Figure. Nothing in images/ is drawn by hand.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES_DIR = ROOT / "images"


def registry() -> dict[str, Callable]:
    import course_lib.plotting as plotting

    found: dict[str, Callable] = {}
    for mod in pkgutil.iter_modules(plotting.__path__):
        module = importlib.import_module(f"course_lib.plotting.{mod.name}")
        for name, fn in getattr(module, "IMAGES", {}).items():
            if name in found:
                raise ValueError(f"image {name!r} is registered twice (again in {module.__name__})")
            found[name] = fn
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="only report missing images")
    a = p.parse_args(argv)
    images = registry()
    if a.check:
        missing = [n for n in images if not (IMAGES_DIR / n).exists()]
        for n in missing:
            print(f"missing: images/{n}")
        return 1 if missing else 0
    IMAGES_DIR.mkdir(exist_ok=True)
    for name, fn in sorted(images.items()):
        fig = fn()
        fig.savefig(IMAGES_DIR / name, dpi=fig.dpi, metadata={"Software": None})
        print(f"images/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
