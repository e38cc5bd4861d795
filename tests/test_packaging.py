"""`pip install .` alone ships everything the application reads at run time."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "laurel"
RUNTIME_SUFFIXES = {".html", ".txt", ".css", ".js", ".svg", ".png", ".json", ".jsonld", ".mo", ".po"}


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("laurel-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_every_runtime_file(wheel_names: set[str]) -> None:
    wanted = {
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix in RUNTIME_SUFFIXES and "__pycache__" not in path.parts
    }
    assert wanted, "no runtime files found"
    missing = sorted(wanted - wheel_names)
    assert not missing, f"missing from the wheel: {missing}"


def test_the_wheel_carries_compiled_korean_messages_and_migrations(wheel_names: set[str]) -> None:
    assert "laurel/locale/ko/LC_MESSAGES/django.mo" in wheel_names
    assert any(name.startswith("laurel/awards/migrations/0001") for name in wheel_names)
