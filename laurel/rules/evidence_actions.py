"""The learner's evidence and the reviewer's answers: submit, accept, return, reject.

Every decision locks the award state first (the row the engine locks while it moves a
state), then checks what it may do, so two reviewers or two clicks are decided one after
the other: the second finds the work done and changes nothing when it asked for the same
thing, or is refused (``code="conflict"``) when it asked for something else.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.audit.actions import record
from laurel.awards.checks import MAX_URL, clean_award_input
from laurel.core.actor import Actor
from laurel.orgs.models import Membership, Role, pick
from laurel.outbox.actions import enqueue_email
from laurel.rules.actions import approve, evaluate_pair
from laurel.rules.evidence_files import Attachment
from laurel.rules.models import AwardState, EvidenceFile, EvidenceSubmission

State = AwardState.State
Status = EvidenceSubmission.Status
MAX_NARRATIVE = 20_000
MAX_COMMENT = 5_000
# A decision's outcome once taken; asking for it again changes nothing.
DONE = {"accept": Status.ACCEPTED, "return": Status.RETURNED, "reject": Status.REJECTED}
OPEN_STATES = {State.IN_PROGRESS, State.AWAITING_EVIDENCE, State.AWAITING_APPROVAL}


REVIEW_ROLES = (Role.MENTOR, Role.ISSUER, Role.OWNER)


def _site() -> str:
    return str(settings.SITE_URL).rstrip("/")


@dataclass(frozen=True)
class EvidenceInput:
    url: str
    narrative: str
    attachment: Attachment | None = None


def clean_evidence(url: str, narrative: str, attachment: Attachment | None = None) -> EvidenceInput:
    """The learner's evidence as the award will carry it; ValidationError keyed by field.

    The award points at one address, so a link and a file do not go together.
    """
    url, narrative = url.strip(), narrative.strip()
    errors: dict[str, list[str]] = {}
    if not url and not narrative and attachment is None:
        errors["narrative"] = [_("Give a link to your work, a description of it, or both.")]
    if url and attachment is not None:
        errors["file"] = [_("Give a link or attach a file, not both.")]
    if len(url) > MAX_URL:
        errors["url"] = [_("The link is longer than %(limit)s characters.") % {"limit": MAX_URL}]
    else:
        _data, problems = clean_award_input(email="x@example.com", evidence_url=url, require_name=False)
        if problems.get("evidence_url"):
            errors["url"] = problems["evidence_url"]
    if len(narrative) > MAX_NARRATIVE:
        errors["narrative"] = [
            _("The description is longer than %(limit)s characters.") % {"limit": MAX_NARRATIVE}
        ]
    if errors:
        raise ValidationError(errors)
    return EvidenceInput(url=url, narrative=narrative, attachment=attachment)


def _comment(text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise ValidationError({"comment": [_("Tell the learner why.")]})
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            {"comment": [_("The comment is longer than %(limit)s characters.") % {"limit": MAX_COMMENT}]}
        )
    return text


def _conflict(message: str) -> ValidationError:
    return ValidationError(message, code="conflict")


def _locked(state: AwardState) -> AwardState:
    return (
        AwardState.objects.select_for_update(of=("self",))
        .select_related("org", "recipient", "achievement__current_version")
        .get(pk=state.pk)
    )


def submit_evidence(
    actor: Actor,
    state: AwardState,
    *,
    url: str = "",
    narrative: str = "",
    attachment: Attachment | None = None,
) -> EvidenceSubmission:
    """The learner hands in evidence for a state awaiting it; reviewers are told by email.

    The same evidence sent twice while it waits (a double click) is the same submission.
    """
    evidence = clean_evidence(url, narrative, attachment)
    with transaction.atomic():
        state = _locked(state)
        if state.rejected_at is not None:
            raise _conflict(_("This badge was refused for this round; evidence can no longer be sent."))
        waiting = state.submissions.filter(status=Status.PENDING).first()
        if waiting is not None:
            if _same(waiting, evidence):
                return waiting
            raise _conflict(_("Your evidence is already waiting for review."))
        if state.state != State.AWAITING_EVIDENCE:
            raise _conflict(_("This badge is not waiting for evidence from you."))
        submission = EvidenceSubmission.objects.create(
            org=state.org,
            state=state,
            url=evidence.url,
            narrative=evidence.narrative,
            file_name=attachment.name if attachment else "",
            file_type=attachment.content_type if attachment else "",
            file_size=len(attachment.data) if attachment else 0,
            submitted_by=actor.user,
        )
        if attachment is not None:
            EvidenceFile.objects.create(submission=submission, sha256=attachment.sha256, data=attachment.data)
        record(
            actor,
            state.org,
            "rules.evidence_submit",
            submission,
            summary=f"{state.achievement.slug} ← {state.recipient.email}",
            after={
                "state": state.public_id,
                "url": evidence.url,
                "narrative": len(evidence.narrative),
                "file": attachment.sha256 if attachment else None,
            },
        )
        _tell_reviewers(state, submission)
    return submission


def _same(waiting: EvidenceSubmission, evidence: EvidenceInput) -> bool:
    if (waiting.url, waiting.narrative) != (evidence.url, evidence.narrative):
        return False
    if evidence.attachment is None:
        return not waiting.file_size
    stored = EvidenceFile.objects.filter(submission=waiting).values_list("sha256", flat=True).first()
    return stored == evidence.attachment.sha256


def decide(
    actor: Actor,
    state: AwardState,
    decision: str,
    *,
    comment: str = "",
    submission_id: str = "",
) -> AwardState:
    """A reviewer's decision on a state: accept or return its evidence, approve it, or reject it.

    ``submission_id``, when given, is the submission the reviewer was looking at: if the
    learner has sent another since, the decision is refused rather than applied to it.
    """
    if decision not in (*DONE, "approve"):
        raise ValidationError({"decision": [_("Choose accept, return, approve or reject.")]})
    comment = _comment(comment, required=decision in ("return", "reject"))
    if decision == "approve":
        try:
            return approve(actor, state)
        except ValidationError as error:
            raise _conflict(" ".join(error.messages)) from None
    with transaction.atomic():
        state = _locked(state)
        latest = state.submissions.order_by("-submitted_at", "-pk").first()
        if submission_id and (latest is None or latest.public_id != submission_id):
            raise _conflict(_("The learner has sent other evidence since; look at it first."))
        if decision == "reject":
            return _reject(actor, state, latest, comment)
        if latest is None:
            raise _conflict(_("The learner has not sent any evidence."))
        if latest.status == DONE[decision]:
            return state  # decided already: a second click, or another reviewer
        if decision == "accept":
            return _accept(actor, state, latest, comment)
        return _return(actor, state, latest, comment)


def _reviewed(submission: EvidenceSubmission, actor: Actor, status: str, comment: str) -> None:
    submission.status = status
    submission.reviewed_by, submission.reviewed_at = actor.user, timezone.now()
    submission.comment = comment
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "comment"])


def _refuse_closed(state: AwardState) -> None:
    if state.rejected_at is not None:
        raise _conflict(_("This learner was refused already for this round."))
    if state.state not in OPEN_STATES:
        raise _conflict(_("This badge was already issued or revoked; nothing is left to review."))


def _accept(actor: Actor, state: AwardState, submission: EvidenceSubmission, comment: str) -> AwardState:
    _refuse_closed(state)
    if submission.status != Status.PENDING:
        raise _conflict(
            _("This evidence was reviewed already (%(status)s).")
            % {"status": submission.get_status_display()}
        )
    _reviewed(submission, actor, Status.ACCEPTED, comment)
    state.evidence_accepted_at, state.updated_at = submission.reviewed_at, timezone.now()
    state.save(update_fields=["evidence_accepted_at", "updated_at"])
    _audit(actor, state, submission, "rules.evidence_accept", comment)
    # On to approval, or issued with this evidence, as the rule asks; in this transaction.
    return evaluate_pair(state.recipient_id, state.achievement_id) or state


def _return(actor: Actor, state: AwardState, submission: EvidenceSubmission, comment: str) -> AwardState:
    _refuse_closed(state)
    if submission.status not in (Status.PENDING, Status.ACCEPTED):
        raise _conflict(
            _("This evidence was reviewed already (%(status)s).")
            % {"status": submission.get_status_display()}
        )
    _reviewed(submission, actor, Status.RETURNED, comment)
    if state.evidence_accepted_at is not None:
        # Returned at the approval step: the learner sends better evidence first.
        state.evidence_accepted_at = None
        if state.state == State.AWAITING_APPROVAL:
            state.state = State.AWAITING_EVIDENCE
    state.updated_at = timezone.now()
    state.save(update_fields=["evidence_accepted_at", "state", "updated_at"])
    _audit(actor, state, submission, "rules.evidence_return", comment)
    _tell_learner(state, "rules/email/evidence_returned", comment)
    return state


def _reject(
    actor: Actor, state: AwardState, submission: EvidenceSubmission | None, comment: str
) -> AwardState:
    if state.rejected_at is not None:
        return state  # rejected already
    _refuse_closed(state)
    if state.state == State.IN_PROGRESS and (submission is None or submission.status != Status.PENDING):
        raise _conflict(_("This learner has nothing waiting for a decision."))
    if submission is not None and submission.status in (Status.PENDING, Status.ACCEPTED):
        _reviewed(submission, actor, Status.REJECTED, comment)
    state.rejected_at, state.rejected_by, state.rejection_reason = timezone.now(), actor.user, comment
    state.updated_at = state.rejected_at
    state.save(update_fields=["rejected_at", "rejected_by", "rejection_reason", "updated_at"])
    _audit(actor, state, submission, "rules.reject", comment)
    _tell_learner(state, "rules/email/evidence_rejected", comment)
    return state


def _audit(
    actor: Actor, state: AwardState, submission: EvidenceSubmission | None, action: str, comment: str
) -> None:
    record(
        actor,
        state.org,
        action,
        state,
        object_id=state.public_id,
        summary=f"{state.achievement.slug} → {state.recipient.email}",
        after={"submission": submission.public_id if submission else None, "comment": comment},
    )


def _tell_learner(state: AwardState, template: str, comment: str) -> None:
    recipient = state.recipient
    enqueue_email(
        to=recipient.email,
        template=template,
        context=_email_context(state, comment, recipient.language or state.org.default_language),
        language=recipient.language or state.org.default_language,
        org=state.org,
    )


def tell_reviewers_approval_awaited(state: AwardState, **_: object) -> None:
    """Everyone who may review (mentors, issuers, owners) hears that a learner awaits approval."""
    _tell_reviewers(state, None, "rules/email/approval_waiting", roles=REVIEW_ROLES)


def _tell_reviewers(
    state: AwardState,
    submission: EvidenceSubmission | None,
    template: str = "rules/email/evidence_waiting",
    roles: tuple[str, ...] = (Role.MENTOR,),
) -> None:
    mentors = Membership.objects.filter(org=state.org, role__in=roles).select_related("user")
    for membership in mentors:
        user = membership.user
        language = user.language or state.org.default_language
        context = _email_context(state, "", language)
        context["url"] = f"{_site()}/orgs/{state.org.slug}/rules/reviews/{state.public_id}/"
        enqueue_email(
            to=user.email,
            template=template,
            context=context,
            language=language,
            org=state.org,
        )


def _email_context(state: AwardState, comment: str, language: str) -> dict[str, object]:
    version = state.achievement.current_version
    return {
        "badge": pick(version, "name", language) if version else state.achievement.slug,
        "org": pick(state.org, "name", language),
        "recipient": state.recipient,
        "comment": comment,
        "url": f"{_site()}/progress/{state.public_id}/",
    }
