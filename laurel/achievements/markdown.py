"""Markdown written by issuers (criteria, descriptions), rendered for public pages.

Raw HTML is never passed through: markdown-it escapes it, and nh3 then keeps
only the tags below, so even a parser bug cannot smuggle in a script.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to insert into any page."""
    html = _parser.render(text or "")
    # Headings start at h2: the page around the text owns its h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just removed everything not allowed
