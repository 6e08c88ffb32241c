"""The environment repo2docker builds (Binder, JupyterHub) uses the validated versions of the lock."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not pinned with =="
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_binder_requirements_match_the_lock_file():
    lock = _pins(ROOT / "constraints.txt")
    binder = _pins(ROOT / "binder" / "requirements.txt")
    assert binder == lock, {k: (lock.get(k), binder.get(k)) for k in set(lock) | set(binder)
                            if lock.get(k) != binder.get(k)}


def test_binder_python_matches_the_project():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert "pip install --no-deps -e ." in (ROOT / "binder" / "postBuild").read_text()
