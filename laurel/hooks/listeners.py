"""Events turned into deliveries, in the transaction of the change that caused them."""

from collections import defaultdict
from collections.abc import Sequence

from django.utils import timezone

from laurel.awards.models import Award
from laurel.hooks import events
from laurel.hooks.actions import emit
from laurel.hooks.models import EventType
from laurel.orgs.models import Organization
from laurel.rules.models import AwardState


def awards_issued(org: Organization, awards: Sequence[Award]) -> int:
    def build() -> list[events.Event]:
        now = timezone.now()
        # One query for the lot, however the awards were made (a CSV batch brings thousands).
        loaded = Award.objects.filter(pk__in=[a.pk for a in awards]).select_related(
            "org", "achievement", "version", "recipient"
        )
        return [
            events.Event(EventType.AWARD_ISSUED, now, events.award_data(a)) for a in loaded.order_by("id")
        ]

    return emit(org.pk, EventType.AWARD_ISSUED, build)


def award_revoked(award: Award) -> int:
    def build() -> list[events.Event]:
        loaded = Award.objects.select_related("org", "achievement", "version", "recipient").get(pk=award.pk)
        when = loaded.revoked_at or timezone.now()
        return [events.Event(EventType.AWARD_REVOKED, when, events.award_data(loaded))]

    return emit(award.org_id, EventType.AWARD_REVOKED, build)


def progress_changed(states: Sequence[AwardState]) -> int:
    by_org: dict[int, list[AwardState]] = defaultdict(list)
    for state in states:
        by_org[state.org_id].append(state)
    return sum(_progress_in(org_id, in_org) for org_id, in_org in by_org.items())


def _progress_in(org_id: int, states: Sequence[AwardState]) -> int:
    def build() -> list[events.Event]:
        # One query for a batch's states, as for a batch's awards.
        loaded = AwardState.objects.select_related(
            "achievement__org", "achievement__current_version", "recipient", "award", "rule"
        ).filter(pk__in=[s.pk for s in states])
        now = timezone.now()
        return [
            events.Event(EventType.PROGRESS_CHANGED, s.evaluated_at or now, events.progress_data(s))
            for s in loaded.order_by("id")
        ]

    return emit(org_id, EventType.PROGRESS_CHANGED, build)
