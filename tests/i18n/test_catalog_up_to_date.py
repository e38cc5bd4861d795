import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import TestCase

from .catalog import KO_PO, PACKAGE_DIR
from .po import read


def extract_keys(workdir: Path) -> set[tuple[str | None, str]]:
    """Run makemessages over a copy of the package and return the (context, msgid) pairs it finds."""
    copy = workdir / "laurel"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "django.po")
    )
    env = {
        **os.environ,
        # The copy comes first on the path, so settings.LOCALE_PATHS points into
        # the copy and the committed catalog is never written to.
        "PYTHONPATH": str(workdir),
        "DJANGO_SETTINGS_MODULE": "laurel.settings",
        "LAUREL_DATA_DIR": str(workdir / "data"),
        "LC_ALL": "C.UTF-8",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "ko", "--no-location", "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise AssertionError(f"makemessages failed:\n{result.stdout}\n{result.stderr}")
    _, entries = read(copy / "locale" / "ko" / "LC_MESSAGES" / "django.po")
    return {e.key for e in entries}


class KoreanCatalogUpToDateTests(TestCase):
    def test_committed_catalog_has_exactly_the_msgids_in_the_code(self) -> None:
        if shutil.which("xgettext") is None:
            self.skipTest("xgettext (gettext) is not installed")
        before = hashlib.sha256(KO_PO.read_bytes()).hexdigest()
        with tempfile.TemporaryDirectory(prefix="laurel-i18n-") as tmp:
            extracted = extract_keys(Path(tmp))
        self.assertEqual(hashlib.sha256(KO_PO.read_bytes()).hexdigest(), before, "the committed .po changed")

        _, entries = read(KO_PO)
        committed = {e.key for e in entries}
        self.assertGreater(len(extracted), 100, "extraction found suspiciously few strings")
        missing = sorted(msgid for _, msgid in extracted - committed)
        stale = sorted(msgid for _, msgid in committed - extracted)
        self.assertEqual(
            (missing, stale),
            ([], []),
            "laurel/locale/ko is out of date: run `make messages` and translate the new entries.\n"
            f"In the code but not in the catalog: {missing}\n"
            f"In the catalog but no longer in the code: {stale}",
        )
