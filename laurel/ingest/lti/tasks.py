"""Roster syncs in the background, so a launch never waits for a large course's roster."""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from laurel.ingest.lti.actions import sync_roster
from laurel.ingest.lti.models import Context

log = logging.getLogger(__name__)
# A staff launch asks for a sync at most this often per course.
RESYNC_AFTER = timedelta(hours=1)


@task()
def sync_roster_task(context_id: int) -> int:
    context = Context.objects.filter(pk=context_id).first()
    if context is None or not context.memberships_url:
        return 0
    return sync_roster(context).members


def request_sync(context: Context) -> bool:
    """Queue a roster sync unless one ran recently; True when one was queued."""
    fresh = context.roster_synced_at is not None and timezone.now() - context.roster_synced_at < RESYNC_AFTER
    if not context.memberships_url or fresh:
        return False
    sync_roster_task.enqueue(context.pk)
    return True
