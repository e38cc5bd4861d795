from django_tasks_db.models import DBTaskResult

from laurel.ingest.lti.actions import sync_roster
from laurel.ingest.lti.models import Context, Member
from laurel.ingest.models import SourceIdentity
from laurel.orgs.models import Recipient
from tests.ingest.lti.fake_platform import ROLE, other_person
from tests.ingest.lti.helpers import LtiTestCase


class RosterSyncTests(LtiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.minji = Recipient.objects.create(org=self.org, email="minji@example.edu", name="김민지")
        learner = (ROLE + "Learner",)
        self.platform.people.update(
            {
                "minji": other_person("김민지", "MinJi@Example.edu", learner),
                "ho": other_person("Ho Park", "ho@example.edu", learner),
                "gone": other_person("Dropped Student", "dropped@example.edu", learner, status="Inactive"),
            }
        )
        self.launch("teacher")
        self.context = Context.objects.get()

    def test_a_teacher_launch_queues_a_roster_sync_in_the_background(self) -> None:
        self.assertTrue(DBTaskResult.objects.filter(task_path__endswith="sync_roster_task").exists())

    def test_every_page_of_the_roster_becomes_identities_and_members(self) -> None:
        result = sync_roster(self.context)
        self.assertEqual(result.members, 5)  # three pages of two, the last one short
        self.assertEqual(Member.objects.filter(context=self.context).count(), 5)
        # The page tokens carry capitals; fetching them lower-cased would have repeated page one.
        self.assertIn(
            f"GET /api/lti/courses/{self.platform.context_id}/names_and_roles", self.platform.requests_seen
        )
        self.assertEqual(SourceIdentity.objects.filter(kind="lti").count(), 5)

    def test_members_are_linked_by_the_email_the_platform_gives(self) -> None:
        sync_roster(self.context)
        minji = self.platform.people["minji"]
        identity = SourceIdentity.objects.get(value=f"{self.platform.shape.issuer}|{minji.sub}")
        self.assertEqual(identity.recipient, self.minji)
        self.assertEqual(identity.name, "김민지")

    def test_an_inactive_member_is_kept_but_marked_inactive(self) -> None:
        sync_roster(self.context)
        gone = self.platform.people["gone"]
        member = Member.objects.get(identity__value=f"{self.platform.shape.issuer}|{gone.sub}")
        self.assertFalse(member.is_active)

    def test_someone_no_longer_listed_has_left_the_course(self) -> None:
        sync_roster(self.context)
        ho = self.platform.people.pop("ho")
        result = sync_roster(self.context)
        self.assertEqual(result.left, 1)
        self.assertFalse(
            Member.objects.get(identity__value=f"{self.platform.shape.issuer}|{ho.sub}").is_active
        )

    def test_syncing_twice_changes_nothing_the_second_time(self) -> None:
        sync_roster(self.context)
        before = sorted(Member.objects.values_list("identity_id", "roles", "is_active"))
        result = sync_roster(self.context)
        self.assertEqual((result.linked, result.left), (0, 0))
        self.assertEqual(sorted(Member.objects.values_list("identity_id", "roles", "is_active")), before)
        self.assertIsNotNone(Context.objects.get().roster_synced_at)
