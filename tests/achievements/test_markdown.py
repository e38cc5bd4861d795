from django.test import SimpleTestCase

from laurel.achievements.markdown import render_markdown


class MarkdownTests(SimpleTestCase):
    def test_a_script_tag_is_shown_as_text_not_run(self) -> None:
        html = render_markdown("Hello <script>alert(1)</script>")
        self.assertNotIn("<script", html)
        self.assertIn("&lt;script&gt;", html)

    def test_a_javascript_link_is_not_a_link(self) -> None:
        html = render_markdown("[click](javascript:alert(1)) and <a href='javascript:alert(2)'>x</a>")
        self.assertNotIn("<a", html)
        self.assertIn("&lt;a href=", html)

    def test_raw_html_with_event_handlers_is_escaped(self) -> None:
        html = render_markdown('<img src=x onerror="alert(1)"><div style="x">y</div>')
        self.assertNotIn("<img", html)
        self.assertNotIn("<div", html)

    def test_links_get_nofollow_noopener(self) -> None:
        html = render_markdown("[NCS](https://ncs.go.kr/)")
        self.assertIn('href="https://ncs.go.kr/"', html)
        self.assertIn('rel="nofollow noopener"', html)

    def test_markdown_structure_is_kept_and_headings_start_at_h2(self) -> None:
        html = render_markdown("# 기준\n\n- **과제** 제출\n- 발표")
        self.assertIn("<h2>기준</h2>", html)
        self.assertIn("<li><strong>과제</strong> 제출</li>", html)

    def test_empty_text_renders_nothing(self) -> None:
        self.assertEqual(render_markdown(""), "")
