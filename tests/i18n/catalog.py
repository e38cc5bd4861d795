"""Where Laurel's Korean catalog lives, and what a translation must keep from its msgid."""

import re
from collections import Counter
from pathlib import Path

import laurel

from .po import Entry

PACKAGE_DIR = Path(laurel.__file__).resolve().parent
KO_DIR = PACKAGE_DIR / "locale" / "ko" / "LC_MESSAGES"
KO_PO = KO_DIR / "django.po"
KO_MO = KO_DIR / "django.mo"

# printf-style conversions as Python's % operator reads them, including %% and %(ratio).1f.
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
NAMED = re.compile(r"%\([^)]*\)")
BRACE = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def tokens(text: str, flags: set[str]) -> Counter[str]:
    """The placeholders and HTML tags a translation of `text` must contain as often as it does."""
    found: Counter[str] = Counter(TAG.findall(text))
    # A lone "%" is ordinary text unless the extractor saw a format string, but
    # a named placeholder is never ordinary text.
    found.update(PERCENT.findall(text) if "python-format" in flags else NAMED.findall(text))
    found.update(BRACE.findall(text))
    return found


def placeholder_problems(entry: Entry) -> list[str]:
    """Say how each msgstr of the entry differs from its msgid in placeholders, tags or edge newlines."""
    problems: list[str] = []
    sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
    # Korean has one plural form, so msgstr[0] must read well for every count:
    # it needs what the plural msgid has (the singular may spell out "one").
    source = sources[-1]
    expected = tokens(source, entry.flags)
    for index, msgstr in enumerate(entry.msgstr):
        where = f"msgstr[{index}]" if entry.msgid_plural is not None else "msgstr"
        got = tokens(msgstr, entry.flags)
        if got != expected:
            missing = sorted((expected - got).elements())
            extra = sorted((got - expected).elements())
            problems.append(f"{where} of {entry.msgid!r}: missing {missing}, unexpected {extra}")
        for edge, test in (("starts", str.startswith), ("ends", str.endswith)):
            if test(source, "\n") != test(msgstr, "\n"):
                problems.append(f"{where} of {entry.msgid!r}: {edge} with a newline unlike its msgid")
    return problems
