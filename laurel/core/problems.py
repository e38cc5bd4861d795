"""RFC 9457 problem details, shared by the JSON API and machine endpoints."""

from typing import Any

from django.http import JsonResponse

PROBLEM_TYPE_BASE = "https://laurel.invalid/problems/"


def problem(status: int, title: str, detail: str = "", **extra: Any) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JsonResponse(
        body,
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )
