from unittest import TestCase

from .po import parse

SAMPLE = r"""# A comment
msgid ""
msgstr ""
"Language: ko\n"
"Plural-Forms: nplurals=1; plural=0;\n"

#, python-format
msgid ""
"A long message with a %(name)s "
"that wraps and says \"hi\"\n"
msgstr ""
"%(name)s 님께 "
"\"안녕\"이라고 말하는 긴 메시지\n"

#, fuzzy
msgctxt "verb"
msgid "Award"
msgstr "수여"

msgid "%(n)s day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s일"

msgid "Empty"
msgstr ""

#~ msgid "Gone"
#~ msgstr "사라짐"
"""


class PoReaderTests(TestCase):
    def test_it_reads_header_wrapped_strings_and_escapes(self) -> None:
        header, entries = parse(SAMPLE)
        self.assertIn("Language: ko\n", header.msgstr[0])
        self.assertEqual(entries[0].msgid, 'A long message with a %(name)s that wraps and says "hi"\n')
        self.assertEqual(entries[0].msgstr, ['%(name)s 님께 "안녕"이라고 말하는 긴 메시지\n'])
        self.assertEqual(entries[0].flags, {"python-format"})

    def test_it_reads_context_fuzzy_plural_and_empty_entries_and_skips_obsolete_ones(self) -> None:
        _, entries = parse(SAMPLE)
        self.assertEqual(
            [e.msgid for e in entries],
            ['A long message with a %(name)s that wraps and says "hi"\n', "Award", "%(n)s day", "Empty"],
        )
        self.assertEqual(entries[1].key, ("verb", "Award"))
        self.assertTrue(entries[1].fuzzy)
        self.assertEqual((entries[2].msgid_plural, entries[2].msgstr), ("%(n)s days", ["%(n)s일"]))
        self.assertFalse(entries[3].translated)
        self.assertTrue(entries[0].translated)

    def test_it_refuses_a_line_it_does_not_understand(self) -> None:
        with self.assertRaisesRegex(ValueError, "line 2"):
            parse('msgid ""\nmsgstrr "x"\n')
