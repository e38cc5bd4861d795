"""The outcome of a verification: a :class:`Report` of ordered :class:`Check` results."""

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "fail", "warning", "skipped"]


@dataclass(frozen=True)
class Check:
    """One verification step and its outcome."""

    id: str
    status: Status
    message_en: str
    message_ko: str
    details: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return self.message_ko if lang == "ko" else self.message_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "message_en": self.message_en,
            "message_ko": self.message_ko,
            "details": self.details,
        }


@dataclass(frozen=True)
class Report:
    """Every check of one verification; valid when none failed (warnings are allowed)."""

    checks: tuple[Check, ...]
    credential: dict[str, Any] | None = None
    format: str | None = None

    @property
    def valid(self) -> bool:
        return not any(check.status == "fail" for check in self.checks)

    @property
    def fetch_failed(self) -> bool:
        """A document the verification needed (DID document, status list) could not be fetched."""
        return any(check.details.get("fetch_failed") for check in self.checks)

    @property
    def unreadable(self) -> bool:
        """The input itself could not be read as a credential."""
        return any(check.id == "input" and check.status == "fail" for check in self.checks)

    def check(self, check_id: str) -> Check | None:
        return next((check for check in self.checks if check.id == check_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "fetch_failed": self.fetch_failed,
            "format": self.format,
            "checks": [check.to_dict() for check in self.checks],
            "credential": self.credential,
        }
