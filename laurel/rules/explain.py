"""Progress in words, in the active language: what is done and what is still needed.

Percentages are cut (not rounded) to one decimal, so a learner at 79.96 % never reads
"80 % — need 80 %".
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from laurel.rules.definition import (
    Approval,
    Attendance,
    Badges,
    Completion,
    Group,
    Missions,
    Quiz,
    Score,
    Submissions,
)
from laurel.rules.evaluate import Progress


@dataclass(frozen=True)
class Line:
    depth: int
    text: str
    met: bool
    closed: bool


def number(value: Decimal) -> str:
    """12, 10.5, 78.5: at most one decimal, cut, without trailing zeros."""
    cut = value.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return str(cut.to_integral_value()) if cut == cut.to_integral_value() else str(cut)


def lines(progress: Progress, badge_names: Mapping[str, str] | None = None) -> list[Line]:
    """One line per clause and group, depth-first, for progress pages."""
    names = badge_names or {}
    found: list[Line] = []

    def walk(p: Progress, depth: int) -> None:
        found.append(Line(depth, describe(p, names), p.met, p.closed))
        for part in p.parts:
            walk(part, depth + 1)

    walk(progress, 0)
    return found


def summary(progress: Progress, badge_names: Mapping[str, str] | None = None) -> str:
    """The clauses in one line, "; " between them (groups are left out)."""
    names = badge_names or {}
    texts: list[str] = []

    def walk(p: Progress) -> None:
        if isinstance(p.node, Group):
            for part in p.parts:
                walk(part)
        else:
            texts.append(describe(p, names))

    walk(progress)
    return "; ".join(texts)


def describe(p: Progress, names: Mapping[str, str]) -> str:
    text = _describe(p, names)
    if p.closed:
        return _("%(text)s (the window has closed)") % {"text": text}
    return text


def _describe(p: Progress, names: Mapping[str, str]) -> str:
    node = p.node
    if isinstance(node, Group):
        if node.kind == "all":
            return _("All of these: %(done)s of %(total)s met") % {
                "done": number(p.done),
                "total": number(p.total),
            }
        if node.kind == "any":
            return _("Any one of these: met") if p.met else _("Any one of these: none met yet")
        return _("%(n)s of these: %(done)s met") % {"n": node.n, "done": number(p.done)}
    if isinstance(node, Attendance):
        values = {
            "course": node.course,
            "done": number(p.done),
            "total": number(p.total),
            "percent": number(p.percent) if p.percent is not None else "0",
            "need": number(node.min_percent),
        }
        if p.met:
            text = _("attendance in %(course)s %(done)s/%(total)s sessions, %(percent)s %%") % values
        else:
            text = (
                _("attendance in %(course)s %(done)s/%(total)s sessions, %(percent)s %% — need %(need)s %%")
                % values
            )
        if p.late:
            text += " " + ngettext("(%(n)s late)", "(%(n)s late)", p.late) % {"n": p.late}
        return text
    if isinstance(node, Submissions):
        values = {"done": number(p.done), "total": number(p.total), "missing": ", ".join(p.missing)}
        if p.met:
            return _("assignments %(done)s/%(total)s submitted") % values
        return _("assignments %(done)s/%(total)s — missing %(missing)s") % values
    if isinstance(node, Score):
        values = {
            "item": node.item or node.course,
            "need": number(node.min_percent),
            "score": number(p.percent) if p.percent is not None else "",
        }
        if p.percent is None:
            return _("score on %(item)s: no grade yet — need %(need)s %%") % values
        if p.met:
            return _("score on %(item)s %(score)s %%") % values
        return _("score on %(item)s %(score)s %% — need %(need)s %%") % values
    if isinstance(node, Quiz):
        if p.met:
            return _("quiz %(item)s passed") % {"item": node.item}
        if not p.done:
            return _("quiz %(item)s not attempted yet") % {"item": node.item}
        return ngettext(
            "quiz %(item)s not passed yet (%(n)s attempt)",
            "quiz %(item)s not passed yet (%(n)s attempts)",
            int(p.done),
        ) % {"item": node.item, "n": int(p.done)}
    if isinstance(node, Missions):
        values = {"done": number(p.done), "total": number(p.total), "missing": ", ".join(p.missing)}
        if p.met or not p.missing:
            return _("missions %(done)s/%(total)s completed") % values
        return _("missions %(done)s/%(total)s completed — not yet %(missing)s") % values
    if isinstance(node, Completion):
        if p.met:
            return _("course %(course)s completed") % {"course": node.course}
        if p.status == "withdrawn":
            return _("course %(course)s withdrawn") % {"course": node.course}
        return _("course %(course)s not completed yet") % {"course": node.course}
    if isinstance(node, Badges):
        values = {
            "done": number(p.done),
            "total": number(p.total),
            "missing": ", ".join(names.get(a, a) for a in p.missing),
        }
        if p.met:
            return _("badges %(done)s/%(total)s held") % values
        return _("badges %(done)s/%(total)s — missing %(missing)s") % values
    assert isinstance(node, Approval)
    if p.met:
        return _("%(item)s approved") % {"item": node.item}
    if p.status == "rejected":
        return _("%(item)s not approved") % {"item": node.item}
    return _("%(item)s awaiting approval") % {"item": node.item}
