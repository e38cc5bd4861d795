"""The official OB 3.0 JSON Schemas as validators, loaded from the conformance folder, never fetched."""

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path

from jsonschema import Draft201909Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT201909

SCHEMA_FILES = ("achievementcredential.json", "profile.json", "endorsementcredential.json")


def _rfc3339_date_time(value: object) -> bool:
    """RFC 3339 §5.6 date-time, written here independently of laurel.vc.schema_types."""
    if not isinstance(value, str):
        return True
    shape = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"
    if not re.fullmatch(shape, value, re.ASCII | re.IGNORECASE):
        return False
    text = value.upper()
    text = text[:-1] + "+00:00" if text.endswith("Z") else text
    # A leap second (:60) is valid RFC 3339 that Python's datetime cannot hold.
    if text[17:19] == "60":
        text = text[:17] + "59" + text[19:]
    datetime.fromisoformat(text)  # raises ValueError for impossible dates, hours, offsets
    return True


def _format_checker() -> FormatChecker:
    # Draft 2019-09 formats are annotations unless asserted; OB 3.0 dates must be real date-times.
    # jsonschema checks "date-time" only with an optional package, so the check is supplied here.
    checker = FormatChecker(formats=("date",))
    checker.checks("date-time", raises=ValueError)(_rfc3339_date_time)
    return checker


@cache
def _validators(folder: str) -> dict[str, Draft201909Validator]:
    schemas = {name: json.loads((Path(folder) / name).read_text()) for name in SCHEMA_FILES}
    # Registering every schema by its $id resolves references locally; nothing is ever retrieved.
    registry: Registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT201909))
        for schema in schemas.values()
    )
    checker = _format_checker()
    return {
        name: Draft201909Validator(schema, registry=registry, format_checker=checker)
        for name, schema in schemas.items()
    }


def official_validator(conformance: Path, name: str = "achievementcredential.json") -> Draft201909Validator:
    """The official OB 3.0 JSON Schema ``name`` as a validator ."""
    return _validators(str(conformance / "ob3-schemas"))[name]
