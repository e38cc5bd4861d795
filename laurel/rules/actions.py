"""Writes of the criteria engine: saving rules, putting them live, moving learners' states.

Issuing happens in the transaction that moves the state to "issued": the state row is
locked, the award created through ``laurel.awards.actions.award`` and the state saved
together, so a worker dying at any point leaves either both or neither.
"""

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.achievements.models import Achievement
from laurel.audit.actions import record
from laurel.awards.actions import DuplicateAward, award
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.ingest import pending
from laurel.ingest.models import Fact
from laurel.orgs.models import Organization, Recipient
from laurel.rules import explain
from laurel.rules.checks import check, find_cycle
from laurel.rules.definition import Criteria, RuleError, parse
from laurel.rules.evaluate import Decision, as_json, evaluate
from laurel.rules.finder import nudge_after_commit, reads
from laurel.rules.models import AwardState, EvidenceSubmission, Rule
from laurel.rules.queries import criteria_of, facts_for, held_badges, live_rule, reading, site_zone
from laurel.rules.signals import approval_awaited, progress_changed

log = logging.getLogger(__name__)
ENGINE = Actor(user=None, via="worker")
# Awards the engine makes carry this source, so history and dashboards tell them apart.
AWARD_SOURCE = Award.Source.RULE
State = AwardState.State


class RuleInvalid(ValidationError):
    """A rule that cannot be saved; ``problems`` holds every (path, message), messages "path: message"."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__(
            [f"{path}: {message}" if path else message for path, message in problems], code="invalid"
        )


def read_rule(achievement: Achievement, definition: Any, *, allow_unseen: bool = False) -> Criteria:
    """Parse and check a definition against the database; RuleInvalid lists every problem."""
    try:
        criteria = parse(definition, site_zone())
    except RuleError as error:
        raise RuleInvalid(error.problems) from None
    problems = check(achievement, criteria, allow_unseen=allow_unseen)
    if problems:
        raise RuleInvalid(problems)
    return criteria


def save_rule(
    actor: Actor,
    achievement: Achievement,
    definition: Any,
    *,
    allow_unseen: bool = False,
    live: bool = False,
) -> Rule:
    """Save a new revision of the badge's rule (a draft unless ``live``); audited."""
    criteria = read_rule(achievement, definition, allow_unseen=allow_unseen)
    with transaction.atomic():
        # Locking the badge numbers revisions one at a time.
        achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
        if achievement.current_version is None:
            raise ValidationError(_("The badge has no version to write criteria for."), code="invalid")
        number = (achievement.rules.aggregate(n=Max("number"))["n"] or 0) + 1
        rule = Rule.objects.create(
            org_id=achievement.org_id,
            achievement=achievement,
            version=achievement.current_version,
            number=number,
            definition=definition,
            reads=reads(criteria),
            requires=sorted(criteria.badges()),
            created_by=actor.user,
        )
        record(
            actor,
            achievement.org,
            "rules.create",
            rule,
            object_id=str(achievement.public_id),
            summary=f"{achievement.slug} rule {number}",
            after={"number": number, "definition": definition},
        )
        if live:
            rule = make_live(actor, rule)
    return rule


def make_live(actor: Actor, rule: Rule) -> Rule:
    """Make this revision the badge's rule, retire the previous one, and queue its learners.

    Checked again for cycles under a lock on the organization, since another badge's rule
    may have gone live since this one was saved. Learners with facts the rule reads, and
    those already tracked for the badge, are queued for evaluation (the back-fill).
    """
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=rule.org_id).first()
        rule = Rule.objects.select_related("achievement").select_for_update().get(pk=rule.pk)
        if rule.state == Rule.State.LIVE:
            return rule
        achievement = rule.achievement
        requires = set(
            Achievement.objects.filter(org_id=rule.org_id, public_id__in=rule.requires).values_list(
                "pk", flat=True
            )
        )
        cycle = find_cycle(achievement, requires)
        if cycle:
            raise ValidationError(
                _("Badges would require each other: %(path)s.") % {"path": " → ".join(cycle)}, code="cycle"
            )
        now = timezone.now()
        Rule.objects.filter(achievement=achievement, state=Rule.State.LIVE).update(
            state=Rule.State.RETIRED, retired_at=now
        )
        rule.state, rule.live_at = Rule.State.LIVE, now
        rule.save(update_fields=["state", "live_at"])
        queued = pending.enqueue(achievement.org, [(r, achievement.pk) for r in learners_to_evaluate(rule)])
        record(
            actor,
            achievement.org,
            "rules.live",
            rule,
            object_id=str(achievement.public_id),
            summary=f"{achievement.slug} rule {rule.number}",
            after={"number": rule.number, "queued": queued},
        )
        if queued:
            nudge_after_commit()
    return rule


def learners_to_evaluate(rule: Rule) -> set[int]:
    """Recipients with a fact the rule reads, or with a state for its badge already."""
    wanted = reading(rule.reads)
    found: set[int] = set(
        AwardState.objects.filter(achievement_id=rule.achievement_id).values_list("recipient_id", flat=True)
    )
    if wanted:
        facts = Fact.objects.filter(wanted, org_id=rule.org_id, voided_at=None, recipient__isnull=False)
        found.update(facts.values_list("recipient_id", flat=True).distinct())
    if rule.requires:
        holders = Award.objects.filter(
            org_id=rule.org_id, achievement__public_id__in=rule.requires, revoked_at=None
        ).values_list("recipient_id", flat=True)
        found.update(holders)
    return found


# --- the state machine ---------------------------------------------------------------------------


def _locked_state(recipient: Recipient, achievement: Achievement) -> AwardState:
    """The learner's latest cycle for the badge, locked; cycle 0 is created on first sight."""
    for _attempt in range(2):
        state = (
            AwardState.objects.select_for_update()
            .filter(recipient=recipient, achievement=achievement)
            .order_by("-cycle")
            .first()
        )
        if state is not None:
            return state
        try:
            with transaction.atomic():
                return AwardState.objects.create(
                    org_id=achievement.org_id, recipient=recipient, achievement=achievement
                )
        except IntegrityError:
            continue  # another worker created it first; lock theirs
    raise RuntimeError("award state could not be created or found")


def evaluate_pair(recipient_id: int, achievement_id: int, now: datetime | None = None) -> AwardState | None:
    """Evaluate one learner against a badge's live rule and move their state; None without a rule.

    Met: on to awaiting evidence, awaiting approval or issued, whichever the rule's steps
    leave next. No longer met while waiting: back to in progress. No longer met after the
    award: flagged for review, never revoked. A revoked award is mirrored, not re-earned.
    """
    rule = live_rule(achievement_id)
    if rule is None:
        return None
    now = now or timezone.now()
    criteria = criteria_of(rule)
    with transaction.atomic():
        recipient = Recipient.objects.get(pk=recipient_id)
        achievement = Achievement.objects.select_related("org").get(pk=achievement_id)
        state = _locked_state(recipient, achievement)
        if state.state == State.REVOKED or _mirror_revocation(state):
            return state
        held = held_badges(recipient_id)
        held.pop(str(achievement.public_id), None)  # a badge never counts towards itself
        decision = evaluate(criteria, facts_for(recipient_id, criteria), held, now)
        before = (state.state, state.met, state.progress)
        remember(state, rule, decision, now)
        if state.state == State.ISSUED:
            if not decision.met and state.flagged_at is None:
                _flag(state, decision, now)
        elif decision.met:
            _advance(state, criteria, rule, decision, recipient, achievement, now)
        else:
            state.state = State.IN_PROGRESS
        state.save()
        if (state.state, state.met, state.progress) != before:
            progress_changed.send(sender=AwardState, states=[state])
        return state


def remember(state: AwardState, rule: Rule, decision: Decision, now: datetime) -> None:
    """Keep an evaluation's outcome on the state (unsaved): for this module and the batched one."""
    state.rule = rule
    state.met = decision.met
    state.progress = as_json(decision.progress)
    state.fact_ids = list(decision.fact_ids)
    state.evaluated_at = state.updated_at = now


def _mirror_revocation(state: AwardState) -> bool:
    if state.award_id is None:
        return False
    revoked_at = Award.objects.filter(pk=state.award_id).values_list("revoked_at", flat=True).first()
    if revoked_at is None:
        return False
    state.state, state.revoked_at, state.updated_at = State.REVOKED, revoked_at, timezone.now()
    state.save(update_fields=["state", "revoked_at", "updated_at"])
    return True


def award_revoked(award_obj: Award) -> int:
    """Mirror an award's revocation on the state that issued it; returns how many states moved.

    For the revoke action to call in its transaction; evaluation mirrors it too, later.
    """
    return AwardState.objects.filter(award=award_obj, state=State.ISSUED).update(
        state=State.REVOKED, revoked_at=award_obj.revoked_at or timezone.now(), updated_at=timezone.now()
    )


def _flag(state: AwardState, decision: Decision, now: datetime) -> None:
    state.flagged_at = now
    state.flag_reason = explain.summary(decision.progress)
    record(
        ENGINE,
        state.achievement.org,
        "rules.regression",
        state,
        object_id=state.public_id,
        summary=state.flag_reason[:300],
        after={"award": state.award.public_id if state.award else None, "facts": state.fact_ids},
    )


def _advance(
    state: AwardState,
    criteria: Criteria,
    rule: Rule,
    decision: Decision,
    recipient: Recipient,
    achievement: Achievement,
    now: datetime,
) -> None:
    if state.rejected_at is not None:
        return  # a reviewer closed this cycle (laurel.rules.evidence_actions)
    if criteria.evidence_required and state.evidence_accepted_at is None:
        state.state = State.AWAITING_EVIDENCE
    elif criteria.mentor_approval and state.approved_at is None:
        if state.state != State.AWAITING_APPROVAL:
            approval_awaited.send(sender=AwardState, state=state)
        state.state = State.AWAITING_APPROVAL
    else:
        _issue(state, rule, decision, recipient, achievement, now)


def _issue(
    state: AwardState,
    rule: Rule,
    decision: Decision,
    recipient: Recipient,
    achievement: Achievement,
    now: datetime,
) -> None:
    org = achievement.org
    evidence = accepted_evidence(state)
    try:
        # A savepoint: a refused award leaves the evaluation recorded and the pair drained.
        with transaction.atomic():
            made = award(
                ENGINE,
                org,
                achievement,
                email=recipient.email,
                name=recipient.name or recipient.email,
                student_id=recipient.student_id,
                evidence_url=evidence.address if evidence else "",
                evidence_narrative=evidence.narrative if evidence else "",
                language=recipient.language,
                source=AWARD_SOURCE,
            )
    except DuplicateAward as duplicate:
        made = duplicate.existing  # awarded by hand before the rule was met: that is the award
    except ValidationError as error:
        state.issue_error = " ".join(error.messages)
        state.state = State.IN_PROGRESS
        log.warning(
            "rule %s met by recipient %s but not awarded: %s", rule.pk, recipient.pk, state.issue_error
        )
        return
    state.state = State.ISSUED
    state.award = made
    state.issued_rule = rule
    state.issued_fact_ids = list(decision.fact_ids)
    state.issued_at = now
    state.issue_error = ""
    record(
        ENGINE,
        org,
        "rules.issue",
        state,
        object_id=state.public_id,
        summary=f"{achievement.slug} → {recipient.email}",
        after={"award": made.public_id, "rule": rule.number, "facts": state.issued_fact_ids},
    )
    # The new award itself queues the badges that require it (awards.signals.awards_created).


def accepted_evidence(state: AwardState) -> EvidenceSubmission | None:
    """The evidence a reviewer accepted for this cycle, which the award carries into its credential."""
    if state.evidence_accepted_at is None:
        return None
    accepted = state.submissions.filter(status=EvidenceSubmission.Status.ACCEPTED)
    return accepted.order_by("-reviewed_at", "-pk").first()


def queue_dependents_of(org: Organization, awards: Sequence[Award]) -> int:
    """Queue each new award's learner for the badges whose live rules require the awarded badge.

    Called for every award, however made (``awards.signals.awards_created``), in its transaction.
    """
    live = list(Rule.objects.filter(org=org, state=Rule.State.LIVE).values_list("achievement_id", "requires"))
    if not live or not awards:
        return 0
    public_ids = dict(
        Achievement.objects.filter(pk__in={a.achievement_id for a in awards}).values_list("pk", "public_id")
    )
    pairs = {
        (award.recipient_id, owner)
        for award in awards
        for owner, requires in live
        if str(public_ids[award.achievement_id]) in requires
    }
    if pairs:
        pending.enqueue(org, sorted(pairs))
        nudge_after_commit()
    return len(pairs)


def approve(actor: Actor, state: AwardState) -> AwardState:
    """A mentor approves a learner waiting for approval; the award follows if still met."""
    with transaction.atomic():
        state = AwardState.objects.select_for_update().get(pk=state.pk)
        if state.approved_at is not None and state.rejected_at is None:
            return state  # approved already (a second click, or another mentor): nothing to do
        if state.state != State.AWAITING_APPROVAL or state.rejected_at is not None:
            raise ValidationError(_("This learner is not waiting for approval."), code="invalid")
        state.approved_at, state.approved_by = timezone.now(), actor.user
        state.save(update_fields=["approved_at", "approved_by"])
        record(actor, state.org, "rules.approve", state, object_id=state.public_id)
    return evaluate_pair(state.recipient_id, state.achievement_id) or state
