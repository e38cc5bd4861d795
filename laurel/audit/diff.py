"""Before and after, side by side: one row per field, changed ones marked."""

import json
from dataclasses import dataclass
from typing import Any

MISSING = object()


@dataclass(frozen=True)
class DiffRow:
    key: str
    before: str  # "" when the field did not exist on that side
    after: str
    had_before: bool
    has_after: bool
    changed: bool


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted keys (name.ko); lists and scalars stay whole."""
    if isinstance(value, dict) and (value or not prefix):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix or "value": value}


def same(a: Any, b: Any) -> bool:
    # JSON text tells "1" from 1 and true from 1, which == does not.
    if a is MISSING or b is MISSING:
        return False
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff(before: Any, after: Any) -> list[DiffRow]:
    """Rows for every key on either side, in a stable order; None means no snapshot."""
    old = flatten(before) if before is not None else {}
    new = flatten(after) if after is not None else {}
    rows = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key, MISSING), new.get(key, MISSING)
        changed = not same(a, b)
        shown_a, shown_b = ("" if a is MISSING else show(a)), ("" if b is MISSING else show(b))
        if changed and shown_a == shown_b and a is not MISSING and b is not MISSING:
            # Only the type changed ("1" became 1): show both as JSON so it is visible.
            shown_a, shown_b = json.dumps(a, ensure_ascii=False), json.dumps(b, ensure_ascii=False)
        rows.append(
            DiffRow(
                key=key,
                before=shown_a,
                after=shown_b,
                had_before=a is not MISSING,
                has_after=b is not MISSING,
                changed=changed,
            )
        )
    return rows
