from django_tasks import task

from laurel.awards import pipeline


@task()
def issue_awards() -> int:
    """Award and sign chunks of confirmed batches until none is waiting.

    Queued when a batch is confirmed, and again to run when a lease ends (see
    ``pipeline.watch``), so the chunk of a worker that died is taken up again.
    """
    return pipeline.work()
