"""docs/xapi-conformance.md names a test or a reason for every ADL requirement, and its tests exist."""

import importlib
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "xapi-conformance.md"
# The requirement ids of adlnet/xapi-lrs-conformance-requirements that the map covers
# (XAPI-00136 does not exist in that list).
EXPECTED = {*range(1, 182), *range(315, 337)} - {136}


def covered(text: str) -> set[int]:
    found: set[int] = set()
    for first, last in re.findall(r"XAPI-(\d{5})(?: … XAPI-(\d{5}))?", text):
        found.update(range(int(first), int(last or first) + 1))
    return found


def test_every_requirement_has_a_row() -> None:
    missing = sorted(EXPECTED - covered(DOC.read_text()))
    assert missing == [], f"requirements without a row: {missing}"


def test_every_test_the_map_names_exists() -> None:
    names = re.findall(r"`(tests/ingest/xapi/[\w/]+\.py)::([\w:]+)`", DOC.read_text())
    assert len(names) > 80
    for path, node in names:
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        target: object = module
        for part in node.split("::"):
            target = getattr(target, part)  # AttributeError names what is missing
        assert callable(target), f"{path}::{node}"
