"""What the builder page shows of a draft: labelled fields, choices, errors, in the active language.

Choices come from what is known: the organization's other badges, and the courses and items
its sources have reported (the same facts ``checks`` calls an item unknown against).
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laurel.achievements.models import Achievement
from laurel.ingest.models import Fact
from laurel.rules.builder import FIELDS, GROUPS, WINDOW, Draft, Node

KNOWN_LIMIT = 2000  # distinct (type, course, item) triples read for the choices
SHOWN_ITEMS = 12

KIND_LABELS = {
    "all": gettext_lazy("All of these"),
    "any": gettext_lazy("Any one of these"),
    "n_of": gettext_lazy("N of these"),
    "attendance": gettext_lazy("Attendance"),
    "submissions": gettext_lazy("Assignments submitted"),
    "score": gettext_lazy("Score"),
    "quiz": gettext_lazy("Quiz passed"),
    "missions": gettext_lazy("Missions completed"),
    "completion": gettext_lazy("Course completed"),
    "badges": gettext_lazy("Holds badges"),
    "approval": gettext_lazy("Manual approval"),
}
# The fact type an item field of each clause names; for choices and the "reported" hint.
FACT_TYPES = {
    "submissions": "submission",
    "score": "grade",
    "quiz": "quiz",
    "missions": "mission",
    "approval": "approval",
}
LABELS = {
    "course": gettext_lazy("Course"),
    "sessions": gettext_lazy("Scheduled sessions"),
    "min_percent": gettext_lazy("At least (%)"),
    "late_weight": gettext_lazy("A late arrival counts as (0 to 1 of a session)"),
    "items": gettext_lazy("Items, one a line"),
    "on_time": gettext_lazy("Only submissions on time count"),
    "item": gettext_lazy("Item"),
    "count": gettext_lazy("Missions needed"),
    "achievements": gettext_lazy("Badges"),
    "n": gettext_lazy("How many must be met (for “N of these”)"),
    "window_start": gettext_lazy("From"),
    "window_end": gettext_lazy("Until"),
    "window_grace_days": gettext_lazy("Grace period (days after the end)"),
}
HELP = {
    ("attendance", "late_weight"): gettext_lazy("Leave empty to count a late arrival as a whole session."),
    ("attendance", "sessions"): gettext_lazy("Excused sessions are left out of the rate."),
    ("submissions", "items"): gettext_lazy("Every one must be submitted."),
    ("score", "item"): gettext_lazy("Leave empty for the grade of the course itself."),
    ("quiz", "min_percent"): gettext_lazy("Leave empty to count the quiz's own “passed”."),
    ("missions", "items"): gettext_lazy("Leave empty to count any mission."),
    ("approval", "item"): gettext_lazy("What the approval reported from outside is about."),
    ("", "window_start"): gettext_lazy("A date (YYYY-MM-DD) or a time with its offset."),
    ("", "window_end"): gettext_lazy("A date (YYYY-MM-DD) or a time with its offset."),
}
REQUIRED = {
    ("attendance", "course"),
    ("attendance", "sessions"),
    ("attendance", "min_percent"),
    ("submissions", "items"),
    ("score", "course"),
    ("score", "min_percent"),
    ("quiz", "item"),
    ("missions", "count"),
    ("completion", "course"),
    ("badges", "achievements"),
    ("approval", "item"),
}


@dataclass
class Choices:
    badges: list[tuple[str, str]]  # (public id, name) of the organization's other badges
    courses: list[str]
    items: dict[str, list[str]]  # fact type -> items reported
    by_course: dict[tuple[str, str], list[str]]  # (fact type, course) -> items reported


def choices_for(badge: Achievement) -> Choices:
    others = (
        Achievement.objects.filter(org_id=badge.org_id, archived_at__isnull=True)
        .exclude(pk=badge.pk)
        .select_related("current_version")
        .order_by("slug")
    )
    badges = [(str(a.public_id), a.current_version.name if a.current_version else a.slug) for a in others]
    triples = (
        Fact.objects.filter(org_id=badge.org_id, voided_at=None)
        .values_list("type", "course", "object_id")
        .distinct()
        .order_by("type", "course", "object_id")[:KNOWN_LIMIT]
    )
    courses: set[str] = set()
    items: dict[str, set[str]] = {}
    by_course: dict[tuple[str, str], list[str]] = {}
    for kind, course, item in triples:
        if course:
            courses.add(course)
        if kind == "completion":
            courses.add(item)  # a completion is about the course itself
        items.setdefault(kind, set()).add(item)
        by_course.setdefault((kind, course), []).append(item)
    return Choices(
        badges=badges,
        courses=sorted(courses),
        # Every list an item field names exists, if empty, so no field points at nothing.
        items={kind: sorted(items.get(kind, ())) for kind in sorted(set(FACT_TYPES.values()))},
        by_course=by_course,
    )


@dataclass
class Input:
    name: str  # the posted name
    id: str
    label: str
    type: str  # "text", "number", "whole", "lines", "flag", "badges"
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    help: str = ""
    datalist: str = ""
    required: bool = False
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # badges: value, label, checked

    @property
    def described_by(self) -> str:
        parts = [f"{self.id}-help"] if self.help else []
        return " ".join([*parts, f"{self.id}-errors"] if self.errors else parts)


@dataclass
class NodeView:
    id: str
    kind: str
    label: str
    parent: str
    is_group: bool
    is_root: bool
    errors: list[str]
    inputs: list[Input]
    window: list[Input]
    parts: list["NodeView"]
    first: bool = False
    last: bool = False


def _reported(node: Node, choices: Choices) -> str:
    kind = FACT_TYPES.get(node.kind)
    if kind is None:
        return ""
    course = str(node.values.get("course", "")).strip()
    known = choices.by_course.get((kind, course), []) if course else choices.items.get(kind, [])
    if not known:
        return ""
    shown = ", ".join(known[:SHOWN_ITEMS]) + (" …" if len(known) > SHOWN_ITEMS else "")
    return _("Reported so far: %(items)s") % {"items": shown}


def _badge_options(values: list[str], choices: Choices) -> list[tuple[str, str, bool]]:
    # The chosen badges first, in the rule's order (a posted form keeps this order), then the rest.
    names = dict(choices.badges)
    chosen = [(v, names.get(v, _("Unknown badge %(id)s") % {"id": v}), True) for v in values]
    return chosen + [(v, name, False) for v, name in choices.badges if v not in values]


def _input(node: Node | None, name: str, type_: str, kind: str, choices: Choices) -> Input:
    prefix = f"{node.id}-" if node is not None else ""
    values = node.values if node is not None else {}
    errors = node.errors if node is not None else {}
    made = Input(
        name=f"{prefix}{name}",
        id=f"rb-{prefix}{name}",
        label=str(LABELS[name]),
        type=type_,
        value=values.get(name, False if type_ == "flag" else ""),
        errors=list(errors.get(name, [])),
        help=str(HELP.get((kind if name not in WINDOW else "", name), "")),
        required=(kind, name) in REQUIRED,
    )
    if name == "course":
        made.datalist = "rb-courses"
    elif name == "item" and kind in FACT_TYPES:
        made.datalist = f"rb-items-{FACT_TYPES[kind]}"
    if type_ == "badges":
        made.options = _badge_options(list(values.get(name, [])), choices)
    if node is not None and type_ == "lines":
        reported = _reported(node, choices)
        made.help = " ".join(t for t in (made.help, reported) if t)
    return made


def _window_input(node: Node | None, name: str, choices: Choices) -> Input:
    return _input(node, name, "whole" if name == "window_grace_days" else "text", "", choices)


def node_view(node: Node, choices: Choices, parent: str = "", is_root: bool = False) -> NodeView:
    view = NodeView(
        id=node.id,
        kind=node.kind,
        label=str(KIND_LABELS[node.kind]),
        parent=parent,
        is_group=node.is_group,
        is_root=is_root,
        errors=list(node.errors.get("", [])),
        inputs=[],
        window=[],
        parts=[node_view(p, choices, node.id) for p in node.parts],
    )
    if view.parts:
        view.parts[0].first, view.parts[-1].last = True, True
    if node.is_group:
        view.inputs = [_input(node, "n", "whole", node.kind, choices)]
    else:
        view.inputs = [_input(node, f.name, f.type, node.kind, choices) for f in FIELDS[node.kind]]
        view.window = [_window_input(node, name, choices) for name in WINDOW]
    return view


@dataclass
class PageView:
    root: NodeView
    window: list[Input]
    flags: list[Input]
    errors: list[str]
    choices: Choices
    templates: list[NodeView]
    group_kinds: list[tuple[str, str]]
    clause_kinds: list[tuple[str, str]]


def page(draft: Draft, choices: Choices) -> PageView:
    top = Node(id="", kind="", values=draft.values, errors=draft.errors)
    window = [_window_input(None, name, choices) for name in WINDOW]
    for made in window:
        made.value, made.errors = top.values.get(made.name, ""), list(draft.errors.get(made.name, []))
    flags = [
        Input(
            name=flag,
            id=f"rb-{flag}",
            label=str(label),
            type="flag",
            value=bool(draft.values.get(flag)),
        )
        for flag, label in (
            ("evidence_required", gettext_lazy("The learner must submit evidence")),
            ("mentor_approval", gettext_lazy("A mentor must approve")),
        )
    ]
    # Fresh parts for the script to copy; "__ID__" and "__PARENT__" are replaced when added.
    templates = [node_view(Node(id="__ID__", kind=kind), choices, "__PARENT__") for kind in KIND_LABELS]
    return PageView(
        root=node_view(draft.root, choices, is_root=True),
        window=window,
        flags=flags,
        errors=list(draft.errors.get("", [])),
        choices=choices,
        templates=templates,
        group_kinds=[(k, str(KIND_LABELS[k])) for k in GROUPS],
        clause_kinds=[(k, str(v)) for k, v in KIND_LABELS.items() if k not in GROUPS],
    )
