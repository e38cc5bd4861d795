"""What a browser would post for a page's form: successful controls in document order.

Written from the HTML form-submission rules: text inputs, hidden inputs, checked boxes, the
selected options of selects and the text of textareas (its first newline dropped, as HTML
parsing does), skipping disabled controls, buttons and anything inside a <template>.
"""

from html.parser import HTMLParser

from django.http import QueryDict


class _FormFields(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = 0  # depth inside the form
        self.template = 0
        self.pairs: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "template":
            self.template += 1
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = 1
            return
        if not self.inside or self.template or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self.pairs.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.pairs.append((self.select, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.template -= 1
        elif tag == "form" and self.inside:
            self.inside = 0
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            text = self.text[1:] if self.text.startswith("\n") else self.text
            self.pairs.append((self.textarea, text.replace("\r\n", "\n")))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text += data


def form_fields(html: str, form_id: str) -> QueryDict:
    """The fields the form with this id would post (a select without a selected option is
    left out here, so pages under test must mark their selected options)."""
    parser = _FormFields(form_id)
    parser.feed(html)
    data = QueryDict(mutable=True)
    for name, value in parser.pairs:
        data.appendlist(name, value)
    return data
