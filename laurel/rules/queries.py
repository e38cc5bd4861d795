"""What evaluation reads from the database, in a few bulk queries per learner."""

import datetime
import functools
import json
import zoneinfo
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import Q

from laurel.achievements.models import Achievement
from laurel.awards.models import Award, local_today
from laurel.ingest.models import Fact
from laurel.rules.definition import Criteria, parse
from laurel.rules.evaluate import FactView
from laurel.rules.finder import reads
from laurel.rules.models import Rule

FACT_FIELDS = (
    "id",
    "type",
    "object_id",
    "occurred_at",
    "course",
    "status",
    "value",
    "max_value",
    "event_key",
)


def site_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@functools.lru_cache(maxsize=256)
def _criteria(rule_pk: int, definition_json: str) -> Criteria:
    return parse(json.loads(definition_json), site_zone())


def criteria_of(rule: Rule) -> Criteria:
    """The rule read into clauses; rows never change, so the reading is kept per rule."""
    return _criteria(rule.pk, json.dumps(rule.definition, sort_keys=True))


def live_rule(achievement_id: int) -> Rule | None:
    return Rule.objects.filter(achievement_id=achievement_id, state=Rule.State.LIVE).first()


def reading(triples: Iterable[Sequence[str]]) -> Q:
    """The facts matching any (type, course, object) triple, "" matching anything; Q() for none."""
    wanted = Q()
    for kind, course, item in triples:
        one = Q(type=kind)
        if course:
            one &= Q(course=course)
        if item:
            one &= Q(object_id=item)
        wanted |= one
    return wanted


def facts_for(recipient_id: int, criteria: Criteria) -> list[FactView]:
    """The learner's facts that the rule can read (voided ones left out)."""
    wanted = reading(reads(criteria))
    if not wanted:
        return []
    rows = Fact.objects.filter(wanted, recipient_id=recipient_id, voided_at=None).values_list(*FACT_FIELDS)
    return [FactView(*row) for row in rows]


def held_badges(recipient_id: int, today: datetime.date | None = None) -> dict[str, datetime.datetime]:
    """Public ids of the badges the learner holds today (not revoked, not expired), first issue time."""
    today = today or local_today()
    awards = (
        Award.objects.filter(recipient_id=recipient_id, revoked_at=None)
        .filter(Q(expires_on=None) | Q(expires_on__gte=today))
        .values_list("achievement__public_id", "created_at")
    )
    held: dict[str, datetime.datetime] = {}
    for public_id, created_at in awards:
        key = str(public_id)
        if key not in held or created_at < held[key]:
            held[key] = created_at
    return held


def badge_names(org_id: int) -> dict[str, str]:
    """The organization's badges by public id, named in the active language."""
    versions = Achievement.objects.filter(org_id=org_id).select_related("current_version")
    return {str(a.public_id): a.current_version.name if a.current_version else a.slug for a in versions}
