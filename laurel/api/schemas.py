"""Shared request/response shapes. Input schemas refuse fields they do not know."""

import uuid
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

Language = Literal["ko", "en"]


class In(Schema):
    # A misspelt field would otherwise be ignored silently and its value lost.
    model_config = ConfigDict(extra="forbid")


class RecipientIn(In):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=200)
    student_id: str = Field("", max_length=100)
    language: Language | None = None


class ProblemError(Schema):
    pointer: str | None = Field(None, description="Where in the body, as a JSON Pointer")
    field: str | None = Field(None, description="A query, path or header parameter")
    in_: str | None = Field(None, alias="in", description="query, path or header")
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[ProblemError] | None = None


def uuid_or_none(value: str) -> uuid.UUID | None:
    """A public id from a URL; None (which matches nothing) when it cannot be one."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
