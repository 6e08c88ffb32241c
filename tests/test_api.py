"""The public API listed in API.md stays: a listed name that disappears fails here."""

import importlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import api_doc  # noqa: E402


def listed() -> list[tuple[str, str]]:
    pairs, module = [], None
    for line in (ROOT / "API.md").read_text().splitlines():
        m = re.match(r"## `([\w.]+)`", line)
        if m:
            module = m.group(1)
            continue
        m = re.match(r"\| `(\w+)` \|", line)
        if m and module:
            pairs.append((module, m.group(1)))
    return pairs


def test_api_lists_the_core_of_the_course():
    modules = {m for m, _ in listed()}
    for core in ("course_lib.conv", "course_lib.pooling", "course_lib.exercises", "course_lib.data"):
        assert core in modules, f"{core} is missing from API.md"
    assert len(listed()) > 40


def test_every_listed_name_still_exists():
    missing = []
    for modname, name in listed():
        module = importlib.import_module(modname)
        if not hasattr(module, name):
            missing.append(f"{modname}.{name}")
    assert not missing, f"names listed in API.md disappeared: {missing}"


def test_api_md_is_current():
    assert (ROOT / "API.md").read_text() == api_doc.render(), (
        "API.md does not match the code: run python tools/api_doc.py")
