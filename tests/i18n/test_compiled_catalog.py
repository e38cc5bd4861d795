import gettext
from unittest import TestCase

from .catalog import KO_MO, KO_PO
from .po import read


class CompiledKoreanCatalogTests(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        with KO_MO.open("rb") as handle:
            cls.compiled = gettext.GNUTranslations(handle)
        cls.header, cls.entries = read(KO_PO)

    def test_every_singular_msgid_maps_to_its_po_translation(self) -> None:
        wrong = {}
        for entry in self.entries:
            if entry.msgid_plural is not None:
                continue
            if entry.msgctxt is None:
                got = self.compiled.gettext(entry.msgid)
            else:
                got = self.compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr[0]:
                wrong[entry.msgid] = got
        self.assertEqual(wrong, {}, "django.mo is older than django.po: run compilemessages")

    def test_every_plural_msgid_maps_to_its_single_korean_form_for_any_count(self) -> None:
        wrong = {}
        for entry in self.entries:
            if entry.msgid_plural is None:
                continue
            for count in (0, 1, 2, 11):
                got = self.compiled.ngettext(entry.msgid, entry.msgid_plural, count)
                if got != entry.msgstr[0]:
                    wrong[(entry.msgid, count)] = got
        self.assertEqual(wrong, {})

    def test_compiled_header_carries_the_korean_plural_rule(self) -> None:
        info = self.compiled.info()
        self.assertEqual(info.get("language"), "ko")
        self.assertEqual(info.get("plural-forms", "").replace(" ", ""), "nplurals=1;plural=0;")
