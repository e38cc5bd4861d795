from pathlib import Path

import pytest

# Official W3C and 1EdTech documents live beside the project, never inside it.
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"


@pytest.fixture(scope="session")
def conformance() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"conformance data not found at {SHARED}")
    return SHARED
