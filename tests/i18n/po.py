"""A small reader for gettext .po files, enough to check Laurel's catalogs.

We parse the file ourselves rather than depend on polib: the tests only need
each entry's ids, translations and flags.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    # msgstr for a singular entry, msgstr[0..n] for a plural one.
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def unquote(token: str) -> str:
    body = token.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted PO string: {token!r}")
    out: list[str] = []
    chars = iter(body[1:-1])
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        escaped = next(chars, "")
        if escaped not in ESCAPES:
            raise ValueError(f"unknown escape \\{escaped} in {token!r}")
        out.append(ESCAPES[escaped])
    return "".join(out)


def parse(text: str) -> tuple[Entry, list[Entry]]:
    """Return the header entry and the message entries, skipping obsolete (#~) ones."""
    entries: list[Entry] = []
    current = Entry()
    started = False
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if started and not line:
                finish()
            continue
        if line.startswith("#,"):
            if started:
                finish()
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            if started:
                finish()
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, value = match.group(1), match.group(2), unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and started and current.msgstr:
                finish()
            started = True
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                current.msgstr.append(value)
            else:
                target = (keyword, 0)
                setattr(current, keyword, value)
        elif line.startswith('"') and target is not None:
            name, _ = target
            if name == "msgstr":
                current.msgstr[-1] += unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + unquote(line))
        else:
            raise ValueError(f"line {number}: cannot parse {raw!r}")
    finish()
    if not entries or entries[0].msgid != "":
        raise ValueError("the catalog has no header entry")
    return entries[0], entries[1:]


def read(path: Path) -> tuple[Entry, list[Entry]]:
    return parse(path.read_text(encoding="utf-8"))
