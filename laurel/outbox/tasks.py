from django_tasks import task

from laurel.outbox.delivery import deliver_due


@task()
def deliver_outbox() -> int:
    # A nudge after a commit; the worker's sweep delivers anything this leaves.
    return deliver_due(limit=20)
