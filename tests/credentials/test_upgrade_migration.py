import importlib

from django.apps import apps
from django_tasks_db.models import DBTaskResult

from laurel.credentials.signing import sign_award
from tests.credentials.helpers import CredentialsTestCase

migration = importlib.import_module("laurel.credentials.migrations.0002_sign_existing_awards")
TASK = "laurel.credentials.tasks.sign_unsigned_awards"


class UpgradeMigrationTests(CredentialsTestCase):
    def queued(self) -> int:
        return DBTaskResult.objects.filter(task_path=TASK).count()

    def test_it_enqueues_signing_when_awards_predate_their_credentials(self) -> None:
        self.award()
        DBTaskResult.objects.all().delete()
        migration.enqueue_signing(apps, None)
        self.assertEqual(self.queued(), 1)

    def test_it_enqueues_nothing_when_every_award_is_signed(self) -> None:
        sign_award(self.award())
        DBTaskResult.objects.all().delete()
        migration.enqueue_signing(apps, None)
        self.assertEqual(self.queued(), 0)
