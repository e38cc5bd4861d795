"""The upgrade names the state of batches confirmed before the pipeline: they were fully issued."""

import importlib

from django.apps import apps

from laurel.awards.models import AwardBatch
from tests.awards.helpers import AwardsTestCase

migration = importlib.import_module("laurel.awards.migrations.0003_bulk_pipeline")


class BatchStatusMigrationTests(AwardsTestCase):
    def batch(self, status: str) -> AwardBatch:
        return AwardBatch.objects.create(org=self.org, achievement=self.python, status=status)

    def test_a_confirmed_batch_becomes_issued_and_the_others_keep_their_status(self) -> None:
        confirmed, preview, cancelled = (
            self.batch("confirmed"),
            self.batch("preview"),
            self.batch("cancelled"),
        )
        migration.confirmed_is_issued(apps, None)
        states = dict(AwardBatch.objects.values_list("pk", "status"))
        self.assertEqual(
            [states[b.pk] for b in (confirmed, preview, cancelled)], ["issued", "preview", "cancelled"]
        )

    def test_going_back_makes_issued_batches_confirmed_again(self) -> None:
        issued = self.batch("issued")
        migration.issued_is_confirmed(apps, None)
        self.assertEqual(AwardBatch.objects.get(pk=issued.pk).status, "confirmed")
