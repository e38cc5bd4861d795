"""Badge rules in the JSON API: revisions, going live, dry runs, and learners' states with provenance.

A rule that cannot be saved answers 422 with one error per problem, each pointing into the
request body (``/definition/criteria/all/2/score/min_percent``).
"""

import re
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from laurel.achievements.models import Achievement
from laurel.api.auth import org_access
from laurel.api.errors import ApiProblem, not_found, validation_problem
from laurel.api.schemas import In, Problem, uuid_or_none
from laurel.orgs.models import Organization
from laurel.rules import explain
from laurel.rules.actions import RuleInvalid, make_live, save_rule
from laurel.rules.dryrun import dry_run
from laurel.rules.models import AwardState, Rule

router = Router(tags=["rules"])
VIEW = "view"
DEFINE = "define"
StateName = Literal["in_progress", "awaiting_evidence", "awaiting_approval", "issued", "revoked"]
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class RuleIn(In):
    definition: dict[str, Any] = Field(description='The rule as data: {"criteria": {...}, ...}')
    allow_unseen: bool = Field(False, description="Accept items no source has reported for their course yet")
    live: bool = Field(False, description="Make this revision live at once")


class RuleOut(Schema):
    number: int
    state: Literal["draft", "live", "retired"]
    definition: dict[str, Any]
    version: int = Field(description="The badge version current when the rule was saved")
    created_at: datetime
    live_at: datetime | None
    retired_at: datetime | None


class EarnerOut(Schema):
    recipient: str
    email: str
    holds: bool
    progress: str


class DryRunOut(Schema):
    looked_at: int
    met: int
    new: int = Field(description="Met and not holding the badge yet: what going live would award")
    earners: list[EarnerOut] = Field(description="The first 100 who meet the rule, by email")


class StateOut(Schema):
    id: str
    recipient: str
    cycle: int
    state: StateName
    met: bool
    progress: dict[str, Any]
    evaluated_at: datetime | None
    award: str | None
    issued_rule: int | None
    issued_fact_ids: list[int]
    flagged_at: datetime | None
    flag_reason: str


class StateFilters(Schema):
    state: StateName | None = None
    flagged: bool | None = None


def rule_out(rule: Rule) -> RuleOut:
    return RuleOut(
        number=rule.number,
        state=rule.state,  # type: ignore[arg-type]
        definition=rule.definition,
        version=rule.version.number,
        created_at=rule.created_at,
        live_at=rule.live_at,
        retired_at=rule.retired_at,
    )


def body_pointer(path: str) -> str:
    """ "criteria.all[2].score" as a pointer into the request: /definition/criteria/all/2/score."""
    steps = [name or index for name, index in _STEP.findall(path)]
    return "/definition" + "".join(f"/{step}" for step in steps)


def _badge(org: Organization, public_id: str) -> Achievement:
    badge = Achievement.objects.filter(org=org, public_id=uuid_or_none(public_id)).first()
    if badge is None:
        raise not_found()
    return badge


def _rule(badge: Achievement, number: int) -> Rule:
    rule = Rule.objects.select_related("version").filter(achievement=badge, number=number).first()
    if rule is None:
        raise not_found()
    return rule


BASE = "/orgs/{slug}/achievements/{public_id}/rules"


@router.get(BASE, response={200: list[RuleOut], 404: Problem})
def list_rules(request: HttpRequest, slug: str, public_id: str) -> list[RuleOut]:
    badge = _badge(org_access(request, slug, VIEW).org, public_id)
    return [rule_out(r) for r in badge.rules.select_related("version").order_by("-number")]


@router.post(
    BASE,
    response={201: RuleOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Save a new revision of the badge's rule, a draft unless `live`",
)
def create_rule(request: HttpRequest, slug: str, public_id: str, payload: RuleIn) -> JsonResponse:
    access = org_access(request, slug, DEFINE)
    badge = _badge(access.org, public_id)
    try:
        rule = save_rule(
            access.actor, badge, payload.definition, allow_unseen=payload.allow_unseen, live=payload.live
        )
    except RuleInvalid as error:
        raise validation_problem(
            [{"pointer": body_pointer(path), "message": message} for path, message in error.problems]
        ) from None
    except ValidationError as error:
        raise validation_problem([{"pointer": "", "message": m} for m in error.messages]) from None
    return JsonResponse(rule_out(rule).model_dump(mode="json"), status=201)


@router.post(
    BASE + "/{number}/live",
    response={200: RuleOut, 403: Problem, 404: Problem, 409: Problem},
    summary="Make this revision the badge's rule; its learners are evaluated in the background",
)
def live_rule(request: HttpRequest, slug: str, public_id: str, number: int) -> RuleOut:
    access = org_access(request, slug, DEFINE)
    rule = _rule(_badge(access.org, public_id), number)
    try:
        return rule_out(make_live(access.actor, rule))
    except ValidationError as error:
        raise ApiProblem(409, _("Cannot go live"), " ".join(error.messages)) from None


@router.get(
    BASE + "/{number}/dry-run",
    response={200: DryRunOut, 403: Problem, 404: Problem},
    summary="Who would earn the badge under this revision now; nothing is changed",
)
def dry_run_rule(request: HttpRequest, slug: str, public_id: str, number: int) -> DryRunOut:
    access = org_access(request, slug, DEFINE)
    result = dry_run(_rule(_badge(access.org, public_id), number))
    return DryRunOut(
        looked_at=result.looked_at,
        met=result.met,
        new=result.new,
        earners=[
            EarnerOut(
                recipient=str(e.recipient.public_id),
                email=e.recipient.email,
                holds=e.holds,
                progress=explain.summary(e.decision.progress),
            )
            for e in result.earners
        ],
    )


@router.get(
    "/orgs/{slug}/achievements/{public_id}/award-states",
    response={200: list[StateOut], 404: Problem},
    summary="Learners' states for the badge, with the provenance of issued awards",
)
def award_states(
    request: HttpRequest, slug: str, public_id: str, filters: Query[StateFilters]
) -> list[StateOut]:
    badge = _badge(org_access(request, slug, VIEW).org, public_id)
    states = AwardState.objects.filter(achievement=badge).select_related("recipient", "award", "issued_rule")
    if filters.state:
        states = states.filter(state=filters.state)
    if filters.flagged is not None:
        states = states.filter(flagged_at__isnull=not filters.flagged)
    return [
        StateOut(
            id=s.public_id,
            recipient=str(s.recipient.public_id),
            cycle=s.cycle,
            state=s.state,  # type: ignore[arg-type]
            met=s.met,
            progress=s.progress,
            evaluated_at=s.evaluated_at,
            award=s.award.public_id if s.award else None,
            issued_rule=s.issued_rule.number if s.issued_rule else None,
            issued_fact_ids=s.issued_fact_ids,
            flagged_at=s.flagged_at,
            flag_reason=s.flag_reason,
        )
        for s in states.order_by("recipient__email", "-cycle")[:1000]
    ]
