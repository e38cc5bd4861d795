"""The checks of a rule that need the database: badges that exist, no cycles, items that exist.

Items are only "unknown" where that can be known: when sources have already reported facts
of that kind for the course and none names the item. A rule written before its course has
any activity passes; one naming an item nobody has reported yet can be saved on purpose
(``allow_unseen``), like a final exam still to come.
"""

import uuid
from collections.abc import Iterator

from django.utils.translation import gettext as _

from laurel.achievements.models import Achievement
from laurel.ingest.models import Fact
from laurel.rules.definition import (
    Attendance,
    Badges,
    Clause,
    Criteria,
    Group,
    Missions,
    Node,
    Quiz,
    Score,
    Submissions,
    kind_of,
)
from laurel.rules.models import Rule

SHOWN = 10  # items listed in a message, at most


def clauses_with_paths(node: Node, path: str = "criteria") -> Iterator[tuple[str, Clause]]:
    """Each clause with the path ``parse`` names it by ("criteria.all[1].score")."""
    if isinstance(node, Group):
        inner = f"{path}.n_of.of" if node.kind == "n_of" else f"{path}.{node.kind}"
        for i, part in enumerate(node.parts):
            yield from clauses_with_paths(part, f"{inner}[{i}]")
    else:
        yield f"{path}.{kind_of(node)}", node


def check(
    achievement: Achievement, criteria: Criteria, *, allow_unseen: bool = False
) -> list[tuple[str, str]]:
    """Every problem found, as (path, message); an empty list when the rule can be saved."""
    problems: list[tuple[str, str]] = []
    problems += _badges(achievement, criteria)
    for path, clause in clauses_with_paths(criteria.root):
        if isinstance(clause, Attendance):
            problems += _attendance(achievement, clause, f"{path}")
        if not allow_unseen:
            problems += _unseen(achievement, clause, path)
    return problems


def _badges(achievement: Achievement, criteria: Criteria) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    found: dict[str, set[int]] = {}  # clause path -> the badges it requires
    for path, clause in clauses_with_paths(criteria.root):
        if not isinstance(clause, Badges):
            continue
        where = f"{path}.achievements"
        for ref in clause.achievements:
            badge = _badge(achievement, ref)
            if badge is None:
                problems.append((where, _("No badge “%(id)s” in this organization.") % {"id": ref}))
            elif badge.pk == achievement.pk:
                problems.append((where, _("A badge cannot require itself.")))
            elif badge.archived_at is not None:
                problems.append((where, _("The badge “%(slug)s” is archived.") % {"slug": badge.slug}))
            else:
                found.setdefault(where, set()).add(badge.pk)
    if problems:
        return problems
    # Checked clause by clause, so the problem is named at the clause that closes the loop.
    for where, requires in found.items():
        cycle = find_cycle(achievement, requires)
        if cycle:
            chain = " → ".join(cycle)
            problems.append((where, _("Badges would require each other: %(path)s.") % {"path": chain}))
    return problems


def _badge(achievement: Achievement, ref: str) -> Achievement | None:
    try:
        public_id = uuid.UUID(ref)
    except ValueError:
        return None
    return Achievement.objects.filter(org_id=achievement.org_id, public_id=public_id).first()


def find_cycle(achievement: Achievement, requires: set[int]) -> list[str]:
    """Slugs along a chain of live rules leading back to ``achievement``, or [] when none does."""
    edges: dict[int, set[int]] = {}
    ids = dict(Achievement.objects.filter(org_id=achievement.org_id).values_list("public_id", "pk"))
    live = Rule.objects.filter(org_id=achievement.org_id, state=Rule.State.LIVE).exclude(
        achievement=achievement
    )
    for owner, required in live.values_list("achievement_id", "requires"):
        edges[owner] = {ids[uuid.UUID(r)] for r in required if uuid.UUID(r) in ids}
    edges[achievement.pk] = requires
    # Depth-first from the badge being saved; the path kept is the first way back found.
    stack: list[tuple[int, list[int]]] = [(achievement.pk, [achievement.pk])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        for target in sorted(edges.get(node, ())):
            if target == achievement.pk:
                slugs = dict(Achievement.objects.filter(pk__in=path).values_list("pk", "slug"))
                return [slugs[pk] for pk in path] + [achievement.slug]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return []


def _attendance(achievement: Achievement, clause: Attendance, path: str) -> list[tuple[str, str]]:
    recorded = (
        Fact.objects.filter(
            org_id=achievement.org_id, type="attendance", course=clause.course, voided_at=None
        )
        .values("object_id")
        .distinct()
        .count()
    )
    if recorded > clause.sessions:
        return [
            (
                f"{path}.sessions",
                _("%(recorded)s sessions of %(course)s are already recorded, more than the %(n)s scheduled.")
                % {"recorded": recorded, "course": clause.course, "n": clause.sessions},
            )
        ]
    return []


def _unseen(achievement: Achievement, clause: Clause, path: str) -> list[tuple[str, str]]:
    if isinstance(clause, Submissions):
        wanted, kind, course, field = clause.items, "submission", clause.course, "items"
    elif isinstance(clause, Quiz):
        wanted, kind, course, field = (clause.item,), "quiz", clause.course, "item"
    elif isinstance(clause, Missions) and clause.items:
        wanted, kind, course, field = clause.items, "mission", clause.course, "items"
    elif isinstance(clause, Score) and clause.item:
        wanted, kind, course, field = (clause.item,), "grade", clause.course, "item"
    else:
        return []
    facts = Fact.objects.filter(org_id=achievement.org_id, type=kind)
    if course:
        facts = facts.filter(course=course)
    known = set(facts.values_list("object_id", flat=True).distinct()[:5000])
    if not known:
        return []  # nothing reported yet: not knowable
    missing = [item for item in wanted if item not in known]
    if not missing:
        return []
    shown = sorted(known)[:SHOWN]
    listed = ", ".join(shown) + (" …" if len(known) > SHOWN else "")
    return [
        (
            f"{path}.{field}",
            _("Never reported for %(course)s: %(missing)s (reported: %(known)s).")
            % {"course": course or _("any course"), "missing": ", ".join(missing), "known": listed},
        )
    ]
