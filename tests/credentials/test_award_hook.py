from django.db import transaction
from django_tasks_db.models import DBTaskResult

from laurel.credentials.actions import award_created, credential_for
from laurel.credentials.models import AwardStatus, Credential
from tests.credentials.helpers import CredentialsTestCase


class AwardHookTests(CredentialsTestCase):
    def test_new_awards_take_a_status_slot_at_once_and_nudge_the_signer_once_per_transaction(self) -> None:
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            first, second = self.award(), self.award(email="lee@example.com")
            award_created(first)
            award_created(second)
        self.assertEqual(AwardStatus.objects.filter(award__in=[first, second]).count(), 2)
        self.assertEqual(Credential.objects.filter(award__in=[first, second]).count(), 0)
        queued = DBTaskResult.objects.filter(task_path="laurel.credentials.tasks.sign_unsigned_awards")
        self.assertEqual(queued.count(), 1)

    def test_credential_for_signs_on_demand_and_defaults_to_the_organizations_language(self) -> None:
        award = self.award()
        self.assertEqual(credential_for(award).language, "ko")
        self.assertEqual(credential_for(award, "en").language, "en")
        # A badge without English text answers in the language it has.
        self.assertEqual(credential_for(self.award(self.korean_only), "en").language, "ko")
