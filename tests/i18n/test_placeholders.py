from unittest import TestCase

from .catalog import KO_PO, placeholder_problems
from .po import Entry, read


class PlaceholderTests(TestCase):
    def test_every_translation_keeps_its_placeholders_tags_and_edge_newlines(self) -> None:
        _, entries = read(KO_PO)
        problems = [p for entry in entries if entry.translated for p in placeholder_problems(entry)]
        self.assertEqual(problems, [])

    def test_a_dropped_named_placeholder_is_reported(self) -> None:
        entry = Entry(msgid="Welcome to %(org)s.", msgstr=["환영합니다."], flags={"python-format"})
        [problem] = placeholder_problems(entry)
        self.assertIn("missing ['%(org)s']", problem)

    def test_a_changed_format_spec_is_reported(self) -> None:
        entry = Entry(msgid="Ratio %(ratio).1f:1", msgstr=["명암비 %(ratio)s:1"], flags={"python-format"})
        [problem] = placeholder_problems(entry)
        self.assertIn("%(ratio).1f", problem)
        self.assertIn("unexpected ['%(ratio)s']", problem)

    def test_a_renamed_brace_placeholder_is_reported(self) -> None:
        entry = Entry(msgid="At most {size} KB", msgstr=["최대 {크기}KB"], flags={"python-brace-format"})
        self.assertEqual(len(placeholder_problems(entry)), 1)

    def test_a_dropped_html_tag_is_reported(self) -> None:
        entry = Entry(msgid="Sent to <strong>%(email)s</strong>.", msgstr=["%(email)s(으)로 보냈습니다."])
        [problem] = placeholder_problems(entry)
        self.assertIn("<strong>", problem)

    def test_a_missing_trailing_newline_is_reported(self) -> None:
        entry = Entry(msgid="Hello,\n", msgstr=["안녕하세요."])
        self.assertEqual(len(placeholder_problems(entry)), 1)

    def test_a_percent_sign_in_plain_text_is_not_a_placeholder(self) -> None:
        entry = Entry(msgid="100% done", msgstr=["100% 완료"])
        self.assertEqual(placeholder_problems(entry), [])

    def test_the_single_korean_plural_form_must_carry_the_plural_msgids_placeholders(self) -> None:
        entry = Entry(
            msgid="one day",
            msgid_plural="%(days)s days",
            msgstr=["하루"],
            flags={"python-format"},
        )
        self.assertEqual(len(placeholder_problems(entry)), 1)

    def test_a_faithful_translation_has_no_problems(self) -> None:
        entry = Entry(
            msgid='See the <a href="%(url)s">award of %(date)s</a>.',
            msgstr=['<a href="%(url)s">%(date)s 수여 내역</a>을 확인하십시오.'],
            flags={"python-format"},
        )
        self.assertEqual(placeholder_problems(entry), [])
