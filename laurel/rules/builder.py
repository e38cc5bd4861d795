"""The rule form builder's model: a tree of named form fields, to and from the stored definition.

The form posts flat fields. Every node (group or clause) has an id and sends ``node=<id>``,
``<id>-kind`` and ``<id>-parent``; a group's parts are the nodes naming it as parent, in the
order the form lists them, so a script can add, drop and move a node's fieldset without
renumbering anything. Field values stay text here; turning them into a definition keeps
what cannot be read (``"abc"`` as a percentage) so that ``definition.parse`` names the
problem at its path, and ``attach_errors`` hangs each problem on the node and field it
concerns. Nothing here validates a rule: parse and checks do, as for the API.

A definition read into a draft and written back is the same definition when it is in the
form the builder writes (false flags and empty optional texts left out, numbers as JSON
numbers); any other definition comes back as one that reads to the same criteria.
"""

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from laurel.rules.definition import CLAUSES, MAX_DEPTH

GROUPS = ("all", "any", "n_of")
KINDS = (*GROUPS, *CLAUSES)
WINDOW = ("window_start", "window_end", "window_grace_days")
MAX_NODES = 200
_ID = re.compile(r"^[a-z][a-z0-9]{0,23}$")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # "text", "number", "whole", "lines" (one entry a line), "flag" or "badges"


def _fields(*pairs: tuple[str, str]) -> tuple[Field, ...]:
    return tuple(Field(name, kind) for name, kind in pairs)


# The order of each clause's fields on the form and in the definition it writes.
FIELDS: dict[str, tuple[Field, ...]] = {
    "attendance": _fields(
        ("course", "text"), ("sessions", "whole"), ("min_percent", "number"), ("late_weight", "number")
    ),
    "submissions": _fields(("course", "text"), ("items", "lines"), ("on_time", "flag")),
    "score": _fields(("course", "text"), ("item", "text"), ("min_percent", "number")),
    "quiz": _fields(("course", "text"), ("item", "text"), ("min_percent", "number")),
    "missions": _fields(("course", "text"), ("count", "whole"), ("items", "lines")),
    "completion": _fields(
        ("course", "text"),
    ),
    "badges": _fields(
        ("achievements", "badges"),
    ),
    "approval": _fields(("course", "text"), ("item", "text")),
}
assert set(FIELDS) == set(CLAUSES)


class BuilderError(ValueError):
    """A posted form that is not a builder form (a lost root, a part whose parent is missing)."""


@dataclass
class Node:
    id: str
    kind: str
    values: dict[str, Any] = field(default_factory=dict)  # field name -> text, or a list for badges
    parts: list["Node"] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)  # "" for the node as a whole

    @property
    def is_group(self) -> bool:
        return self.kind in GROUPS

    def walk(self) -> list["Node"]:
        found = [self]
        for part in self.parts:
            found += part.walk()
        return found


@dataclass
class Draft:
    root: Node
    values: dict[str, Any] = field(default_factory=dict)  # the rule's window and its two flags
    errors: dict[str, list[str]] = field(default_factory=dict)  # "" for the rule as a whole

    def nodes(self) -> list[Node]:
        return self.root.walk()

    def find(self, node_id: str) -> tuple[Node, Node | None] | None:
        """The node with this id and its parent (None for the root)."""
        if self.root.id == node_id:
            return self.root, None
        for node in self.nodes():
            for part in node.parts:
                if part.id == node_id:
                    return part, node
        return None

    def new_id(self) -> str:
        taken = {n.id for n in self.nodes()}
        number = len(taken) + 1
        while f"n{number}" in taken:
            number += 1
        return f"n{number}"


def empty_draft() -> Draft:
    return Draft(root=Node(id="n1", kind="all"))


# --- definition -> draft -----------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _window_values(window: Any) -> dict[str, str]:
    if not isinstance(window, dict):
        return {}
    keys = {"window_start": "start", "window_end": "end", "window_grace_days": "grace_days"}
    return {name: _text(window[key]) for name, key in keys.items() if key in window}


def from_definition(definition: Mapping[str, Any]) -> Draft:
    """The draft showing a definition that ``definition.parse`` accepts."""
    counter = iter(range(1, 10_000))

    def node(raw: Mapping[str, Any]) -> Node:
        ((kind, body),) = raw.items()
        made = Node(id=f"n{next(counter)}", kind=kind)
        if kind in ("all", "any"):
            made.parts = [node(part) for part in body]
        elif kind == "n_of":
            made.values["n"] = _text(body["n"])
            made.parts = [node(part) for part in body["of"]]
        else:
            for spec in FIELDS[kind]:
                if spec.name not in body:
                    continue
                value = body[spec.name]
                if spec.type == "flag":
                    made.values[spec.name] = bool(value)
                elif spec.type == "lines":
                    made.values[spec.name] = "\n".join(value)
                elif spec.type == "badges":
                    made.values[spec.name] = list(value)
                else:
                    made.values[spec.name] = _text(value)
            made.values.update(_window_values(body.get("window")))
        return made

    values: dict[str, Any] = _window_values(definition.get("window"))
    for flag in ("evidence_required", "mentor_approval"):
        values[flag] = bool(definition.get(flag, False))
    return Draft(root=node(definition["criteria"]), values=values)


# --- posted form -> draft ----------------------------------------------------------------------


def _node_values(kind: str, node_id: str, data: Any) -> dict[str, Any]:
    def get(name: str) -> str:
        return str(data.get(f"{node_id}-{name}", ""))

    if kind in GROUPS:
        return {"n": get("n")}
    values: dict[str, Any] = {}
    for spec in FIELDS[kind]:
        if spec.type == "flag":
            values[spec.name] = bool(get(spec.name))
        elif spec.type == "badges":
            values[spec.name] = [str(v) for v in data.getlist(f"{node_id}-{spec.name}")]
        else:
            values[spec.name] = get(spec.name)
    for name in WINDOW:
        values[name] = get(name)
    return values


def from_post(data: Any) -> Draft:
    """The draft a posted builder form describes (``data`` is a QueryDict); BuilderError if broken."""
    ids = [str(i) for i in data.getlist("node")]
    if not ids:
        raise BuilderError(_("The form has no clauses in it; reload the page."))
    if len(ids) > MAX_NODES:
        raise BuilderError(_("A rule has at most %(n)s parts.") % {"n": MAX_NODES})
    if len(set(ids)) != len(ids) or not all(_ID.match(i) for i in ids):
        raise BuilderError(_("The form names its parts oddly; reload the page."))
    nodes: dict[str, Node] = {}
    children: dict[str, list[Node]] = {i: [] for i in ids}
    roots: list[Node] = []
    for node_id in ids:
        kind = str(data.get(f"{node_id}-kind", ""))
        if kind not in KINDS:
            raise BuilderError(_("The form names an unknown kind of clause; reload the page."))
        nodes[node_id] = Node(id=node_id, kind=kind, values=_node_values(kind, node_id, data))
    for node_id in ids:
        parent = str(data.get(f"{node_id}-parent", ""))
        if not parent:
            roots.append(nodes[node_id])
        elif parent in nodes and nodes[parent].is_group:
            children[parent].append(nodes[node_id])
        else:
            raise BuilderError(_("A part of the form lost its group; reload the page."))
    if len(roots) != 1:
        raise BuilderError(_("The form must have exactly one outermost group or clause; reload the page."))
    placed = 0

    def attach(node: Node, depth: int) -> None:
        nonlocal placed
        placed += 1
        if depth > MAX_DEPTH + 1:
            raise BuilderError(_("Groups nest at most %(n)s deep.") % {"n": MAX_DEPTH})
        node.parts = children[node.id]
        for part in node.parts:
            attach(part, depth + 1)

    attach(roots[0], 0)
    if placed != len(ids):
        raise BuilderError(_("A part of the form lost its group; reload the page."))
    values: dict[str, Any] = {name: str(data.get(name, "")) for name in WINDOW}
    for flag in ("evidence_required", "mentor_approval"):
        values[flag] = bool(data.get(flag))
    return Draft(root=roots[0], values=values)


# --- draft -> definition -----------------------------------------------------------------------


def _number(text: str) -> Any:
    """A JSON number when the text is one, else the text itself, for parse to refuse by name."""
    text = text.strip()
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return text
    return value


def _window(values: Mapping[str, Any]) -> dict[str, Any] | None:
    start, end = str(values.get("window_start", "")).strip(), str(values.get("window_end", "")).strip()
    grace = str(values.get("window_grace_days", "")).strip()
    if not (start or end or grace):
        return None
    window: dict[str, Any] = {}
    if start:
        window["start"] = start
    if end:
        window["end"] = end
    if grace:
        window["grace_days"] = _number(grace)
    return window


def _clause_body(node: Node) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for spec in FIELDS[node.kind]:
        value = node.values.get(spec.name)
        if spec.type == "flag":
            if value:
                body[spec.name] = True
        elif spec.type == "badges":
            if value:
                body[spec.name] = list(value)
        elif spec.type == "lines":
            entries = [line.strip() for line in str(value or "").splitlines() if line.strip()]
            if entries:
                body[spec.name] = entries
        else:
            text = str(value or "").strip()
            if text:
                body[spec.name] = text if spec.type == "text" else _number(text)
    window = _window(node.values)
    if window is not None:
        body["window"] = window
    return body


def to_definition(draft: Draft) -> tuple[dict[str, Any], dict[str, str]]:
    """The definition the draft describes, and each node's path as parse names it."""
    paths: dict[str, str] = {}

    def node(made: Node, slot: str) -> dict[str, Any]:
        path = f"{slot}.{made.kind}"
        paths[made.id] = path
        if made.kind in ("all", "any"):
            return {made.kind: [node(p, f"{path}[{i}]") for i, p in enumerate(made.parts)]}
        if made.kind == "n_of":
            n = str(made.values.get("n", "")).strip()
            body: dict[str, Any] = {"n": _number(n)} if n else {}
            body["of"] = [node(p, f"{path}.of[{i}]") for i, p in enumerate(made.parts)]
            return {"n_of": body}
        return {made.kind: _clause_body(made)}

    definition: dict[str, Any] = {"criteria": node(draft.root, "criteria")}
    window = _window(draft.values)
    if window is not None:
        definition["window"] = window
    for flag in ("evidence_required", "mentor_approval"):
        if draft.values.get(flag):
            definition[flag] = True
    return definition, paths


# --- problems -> the nodes they concern ----------------------------------------------------------


def _field_of(rest: str) -> str:
    """The form field a remainder of a path names (".min_percent", ".window.start"), or ""."""
    return rest.lstrip(".").replace(".", "_")


def attach_errors(draft: Draft, paths: Mapping[str, str], problems: list[tuple[str, str]]) -> None:
    """Hang each (path, message) on the node and field it concerns; the rest on the rule."""
    nodes = {n.id: n for n in draft.nodes()}
    by_path = sorted(((path, node_id) for node_id, path in paths.items()), key=lambda p: -len(p[0]))
    for path, message in problems:
        owner = next(
            (
                node_id
                for prefix, node_id in by_path
                if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")
            ),
            None,
        )
        if owner is None:
            name = _field_of(path) if path.startswith("window") else ""
            draft.errors.setdefault(name if name in WINDOW else "", []).append(message)
            continue
        node = nodes[owner]
        name = _field_of(path[len(paths[owner]) :])
        known = {"n"} if node.is_group else {*(f.name for f in FIELDS[node.kind]), *WINDOW}
        node.errors.setdefault(name if name in known else "", []).append(message)


def has_errors(draft: Draft) -> bool:
    return bool(draft.errors) or any(n.errors for n in draft.nodes())


# --- editing without a script: the buttons' operations -------------------------------------------


def apply(draft: Draft, op: str, data: Any) -> None:
    """Carry out one "add:<id>", "remove:<id>", "up:<id>", "down:<id>", "wrap:<id>" or "unwrap:<id>"."""
    action, _sep, node_id = op.partition(":")
    found = draft.find(node_id)
    if found is None:
        return  # a button of a node that is gone (a double submission): nothing to do
    node, parent = found
    if action == "add" and node.is_group:
        kind = str(data.get(f"{node_id}-add", ""))
        if kind in KINDS:
            node.parts.append(Node(id=draft.new_id(), kind=kind))
    elif action == "remove" and parent is not None:
        parent.parts.remove(node)
    elif action in ("up", "down") and parent is not None:
        i = parent.parts.index(node)
        j = i - 1 if action == "up" else i + 1
        if 0 <= j < len(parent.parts):
            parent.parts[i], parent.parts[j] = parent.parts[j], parent.parts[i]
    elif action == "wrap":
        group = Node(id=draft.new_id(), kind="all", parts=[node])
        if parent is None:
            draft.root = group
        else:
            parent.parts[parent.parts.index(node)] = group
    elif action == "unwrap" and node.is_group and len(node.parts) == 1:
        if parent is None:
            draft.root = node.parts[0]
        else:
            parent.parts[parent.parts.index(node)] = node.parts[0]
