from django_tasks import task

from laurel.outbox.delivery import deliver_due


@task()
def deliver_outbox() -> int:
    return deliver_due()
