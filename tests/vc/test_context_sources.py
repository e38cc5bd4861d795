import importlib.util
from pathlib import Path

import pytest

from laurel.vc import jsonld

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_ob_contexts.py"


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_ob_contexts", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("version", ["3.0.1", "3.0.2", "3.0.3"])
def test_the_committed_ob3_context_is_what_the_vocabulary_table_builds(version: str) -> None:
    committed = (jsonld.CONTEXTS_DIR / f"ob-{version}.jsonld").read_text(encoding="utf-8")
    assert _builder().render(version) == committed


def test_the_versions_differ_where_the_table_says_they_do() -> None:
    builder = _builder()
    v301, v302, v303 = (builder.ob3(v)["@context"] for v in ("3.0.1", "3.0.2", "3.0.3"))
    # 3.0.2 made the contexts protected; 3.0.3 added inLanguage for bilingual achievements.
    assert "@protected" not in v301 and v302["@protected"] is True
    assert "inLanguage" not in v302["Achievement"]["@context"]
    assert "inLanguage" in v303["Achievement"]["@context"]
