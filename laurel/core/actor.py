from dataclasses import dataclass

from django.http import HttpRequest

from laurel.accounts.models import User
from laurel.core.http import client_ip


@dataclass(frozen=True)
class Actor:
    """Who is making a change and through what, for the audit log."""

    user: User | None
    via: str = "web"  # web, api, cli, worker
    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest, via: str = "web") -> "Actor":
        user = request.user if request.user.is_authenticated else None
        return cls(
            user=user,  # type: ignore[arg-type]
            via=via,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )

    @property
    def label(self) -> str:
        return self.user.email if self.user else self.via
