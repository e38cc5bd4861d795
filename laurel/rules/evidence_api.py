"""Evidence and mentor decisions in the JSON API, for reviewers' tokens ("review").

API tokens belong to staff, so learners send evidence through their progress pages; the
API lists what waits for review, shows a state's evidence, and takes decisions. A
decision that is already taken answers with the state as it is; one that contradicts
what another reviewer decided first answers 409.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from laurel.api.auth import org_access
from laurel.api.errors import ApiProblem, not_found, validation_problem
from laurel.api.schemas import In, Problem
from laurel.orgs.models import Organization
from laurel.rules.evidence_actions import MAX_COMMENT, decide
from laurel.rules.models import AwardState, EvidenceSubmission

router = Router(tags=["rules"])
REVIEW = "review"
VIEW = "view"
SHOWN = 1000
StatusName = Literal["pending", "accepted", "returned", "rejected"]
StateName = Literal["in_progress", "awaiting_evidence", "awaiting_approval", "issued", "revoked"]


class SubmissionOut(Schema):
    id: str
    status: StatusName
    url: str
    narrative: str = Field(description="Markdown, as the learner wrote it")
    file: str | None = Field(description="The attached file's address, if any")
    file_name: str
    file_type: str
    file_size: int
    submitted_at: datetime
    reviewed_at: datetime | None
    reviewed_by: str | None = Field(description="The reviewer's email")
    comment: str


class ReviewStateOut(Schema):
    id: str
    achievement: str
    recipient: str
    email: str
    state: StateName
    met: bool
    evidence_accepted_at: datetime | None
    approved_at: datetime | None
    rejected_at: datetime | None
    rejection_reason: str
    award: str | None
    submissions: list[SubmissionOut] = Field(description="Newest first")


class QueueOut(Schema):
    evidence: list[ReviewStateOut] = Field(
        description="States with evidence waiting for review, oldest first"
    )
    approval: list[ReviewStateOut] = Field(description="States waiting for a mentor's approval, oldest first")


class DecisionIn(In):
    decision: Literal["accept", "return", "reject", "approve"]
    comment: str = Field(
        "", max_length=MAX_COMMENT, description="Required to return or reject; the learner reads it"
    )
    submission: str = Field(
        "",
        max_length=32,
        description="The submission decided on; refused with 409 if the learner sent another since",
    )


def submission_out(s: EvidenceSubmission) -> SubmissionOut:
    return SubmissionOut(
        id=s.public_id,
        status=s.status,  # type: ignore[arg-type]
        url=s.url,
        narrative=s.narrative,
        file=f"{s.org.base_url}/e/{s.public_id}/" if s.file_size else None,
        file_name=s.file_name,
        file_type=s.file_type,
        file_size=s.file_size,
        submitted_at=s.submitted_at,
        reviewed_at=s.reviewed_at,
        reviewed_by=s.reviewed_by.email if s.reviewed_by else None,
        comment=s.comment,
    )


def state_out(state: AwardState) -> ReviewStateOut:
    submissions = state.submissions.select_related("reviewed_by", "org").order_by("-submitted_at", "-pk")
    return ReviewStateOut(
        id=state.public_id,
        achievement=str(state.achievement.public_id),
        recipient=str(state.recipient.public_id),
        email=state.recipient.email,
        state=state.state,  # type: ignore[arg-type]
        met=state.met,
        evidence_accepted_at=state.evidence_accepted_at,
        approved_at=state.approved_at,
        rejected_at=state.rejected_at,
        rejection_reason=state.rejection_reason,
        award=state.award.public_id if state.award else None,
        submissions=[submission_out(s) for s in submissions],
    )


def _state(org: Organization, public_id: str) -> AwardState:
    state = (
        AwardState.objects.select_related("recipient", "achievement", "award", "org")
        .filter(org=org, public_id=public_id)
        .first()
    )
    if state is None:
        raise not_found()
    return state


@router.get(
    "/orgs/{slug}/reviews",
    response={200: QueueOut, 403: Problem, 404: Problem},
    summary="What waits for a reviewer: evidence to review and learners to approve",
)
def review_queue(request: HttpRequest, slug: str) -> QueueOut:
    org = org_access(request, slug, REVIEW).org
    states = AwardState.objects.select_related("recipient", "achievement", "award").filter(org=org)
    waiting = states.filter(submissions__status=EvidenceSubmission.Status.PENDING).order_by(
        "submissions__submitted_at"
    )
    approval = states.filter(state=AwardState.State.AWAITING_APPROVAL, rejected_at=None).order_by(
        "updated_at"
    )
    return QueueOut(
        evidence=[state_out(s) for s in waiting[:SHOWN]],
        approval=[state_out(s) for s in approval[:SHOWN]],
    )


@router.get(
    "/orgs/{slug}/award-states/{public_id}/evidence",
    response={200: ReviewStateOut, 404: Problem},
    summary="One learner's state for a badge with every piece of evidence sent and its review",
)
def state_evidence(request: HttpRequest, slug: str, public_id: str) -> ReviewStateOut:
    return state_out(_state(org_access(request, slug, VIEW).org, public_id))


@router.post(
    "/orgs/{slug}/award-states/{public_id}/decisions",
    response={200: ReviewStateOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Accept or return the evidence, approve, or reject for this cycle",
)
def take_decision(request: HttpRequest, slug: str, public_id: str, payload: DecisionIn) -> ReviewStateOut:
    access = org_access(request, slug, REVIEW)
    state = _state(access.org, public_id)
    try:
        state = decide(
            access.actor, state, payload.decision, comment=payload.comment, submission_id=payload.submission
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise ApiProblem(409, _("Cannot decide"), " ".join(error.messages)) from None
        raise validation_problem(
            [
                {"pointer": f"/{field}", "message": message}
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        ) from None
    return state_out(_state(access.org, state.public_id))
