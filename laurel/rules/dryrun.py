"""Who would earn a badge under a rule now: evaluated in memory, nothing written.

For a draft before it goes live, and for a live rule to compare with what was issued.
The learners looked at are those the back-fill would queue (``learners_to_evaluate``);
their facts and badges are read in bulk, a chunk of learners at a time.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from laurel.awards.models import Award, local_today
from laurel.ingest.models import Fact
from laurel.orgs.models import Recipient
from laurel.rules.actions import learners_to_evaluate
from laurel.rules.evaluate import Decision, FactView, evaluate
from laurel.rules.models import AwardState, Rule
from laurel.rules.queries import FACT_FIELDS, criteria_of, reading

CHUNK = 500
SHOWN = 100


@dataclass
class Earner:
    recipient: Recipient
    decision: Decision
    holds: bool  # already holds the badge


@dataclass
class DryRun:
    rule: Rule
    now: datetime
    looked_at: int = 0
    met: int = 0
    new: int = 0  # met and not holding the badge yet: what going live would issue
    earners: list[Earner] = field(default_factory=list)  # the first SHOWN who meet it, by email


def dry_run(rule: Rule, now: datetime | None = None) -> DryRun:
    now = now or timezone.now()
    criteria = criteria_of(rule)
    result = DryRun(rule=rule, now=now)
    learners = sorted(learners_to_evaluate(rule))
    holding = set(
        Award.objects.filter(achievement_id=rule.achievement_id, revoked_at=None).values_list(
            "recipient_id", flat=True
        )
    )
    holding |= set(
        AwardState.objects.filter(
            achievement_id=rule.achievement_id, state=AwardState.State.ISSUED
        ).values_list("recipient_id", flat=True)
    )
    for start in range(0, len(learners), CHUNK):
        part = learners[start : start + CHUNK]
        facts = _facts(part, rule)
        held = _held(part, rule)
        people = Recipient.objects.in_bulk(part)
        for pk in part:
            decision = evaluate(criteria, facts.get(pk, []), held.get(pk, {}), now)
            result.looked_at += 1
            if decision.met:
                result.met += 1
                result.new += pk not in holding
                result.earners.append(Earner(people[pk], decision, pk in holding))
    result.earners.sort(key=lambda e: e.recipient.email)
    del result.earners[SHOWN:]
    return result


def _facts(recipients: list[int], rule: Rule) -> dict[int, list[FactView]]:
    wanted = reading(rule.reads)
    found: dict[int, list[FactView]] = defaultdict(list)
    if not wanted:
        return found
    rows = Fact.objects.filter(wanted, recipient_id__in=recipients, voided_at=None).values_list(
        "recipient_id", *FACT_FIELDS
    )
    for recipient_id, *values in rows:
        found[recipient_id].append(FactView(*values))
    return found


def _held(recipients: list[int], rule: Rule) -> dict[int, dict[str, datetime]]:
    today = local_today()
    awards = (
        Award.objects.filter(recipient_id__in=recipients, revoked_at=None)
        .filter(Q(expires_on=None) | Q(expires_on__gte=today))
        .exclude(achievement_id=rule.achievement_id)
        .values_list("recipient_id", "achievement__public_id", "created_at")
    )
    held: dict[int, dict[str, datetime]] = defaultdict(dict)
    for recipient_id, public_id, created_at in awards:
        mine = held[recipient_id]
        key = str(public_id)
        if key not in mine or created_at < mine[key]:
            mine[key] = created_at
    return held
