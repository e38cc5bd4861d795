"""Events turned into deliveries, in the transaction of the change that caused them."""

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


def progress_changed(state: AwardState) -> int:
    def build() -> list[events.Event]:
        loaded = AwardState.objects.select_related(
            "achievement__org", "achievement__current_version", "recipient", "award", "rule"
        ).get(pk=state.pk)
        when = state.evaluated_at or timezone.now()
        return [events.Event(EventType.PROGRESS_CHANGED, when, events.progress_data(loaded))]

    return emit(state.org_id, EventType.PROGRESS_CHANGED, build)
