import os
import re
import shutil
import subprocess
from unittest import TestCase

from .catalog import KO_PO
from .po import read


class KoreanCatalogCompletenessTests(TestCase):
    def setUp(self) -> None:
        self.header, self.entries = read(KO_PO)

    def test_every_entry_has_a_korean_translation(self) -> None:
        untranslated = [e.msgid for e in self.entries if not e.translated]
        self.assertEqual(untranslated, [], f"{len(untranslated)} entries are not translated")

    def test_no_entry_is_marked_fuzzy(self) -> None:
        fuzzy = [e.msgid for e in self.entries if e.fuzzy]
        self.assertEqual(fuzzy, [])
        # A fuzzy header is left out of the compiled file, and with it the plural rule.
        self.assertNotIn("fuzzy", self.header.flags)

    def test_header_declares_korean_with_a_single_plural_form(self) -> None:
        fields = dict(line.split(": ", 1) for line in self.header.msgstr[0].splitlines() if ": " in line)
        self.assertEqual(fields["Language"], "ko")
        self.assertEqual(fields["Content-Type"], "text/plain; charset=UTF-8")
        self.assertEqual(fields["Plural-Forms"].replace(" ", ""), "nplurals=1;plural=0;")

    def test_plural_entries_have_exactly_one_form(self) -> None:
        plurals = [e for e in self.entries if e.msgid_plural is not None]
        self.assertTrue(plurals, "the catalog was expected to contain plural entries")
        wrong = {e.msgid: len(e.msgstr) for e in plurals if len(e.msgstr) != 1}
        self.assertEqual(wrong, {})

    def test_no_msgid_appears_twice(self) -> None:
        keys = [e.key for e in self.entries]
        self.assertEqual(len(keys), len(set(keys)))

    def test_msgfmt_agrees_that_everything_is_translated(self) -> None:
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            self.skipTest("msgfmt (gettext) is not installed")
        result = subprocess.run(
            [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(KO_PO)],
            capture_output=True,
            text=True,
            check=False,
            # The C locale keeps msgfmt's report in English, which the regex below reads.
            env={**os.environ, "LC_ALL": "C", "LANGUAGE": "C"},
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        # e.g. "632 translated messages." or "630 translated messages, 2 untranslated messages."
        counts = {
            kind: int(n) for n, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", result.stderr)
        }
        self.assertEqual(counts, {"translated": len(self.entries)}, result.stderr)
