"""The sources pages: who sees them, creating with credentials shown once, rotating, deactivating, linking."""

from laurel.audit.models import AuditEvent
from laurel.ingest.facts import record_facts
from laurel.ingest.models import Fact, Source, SourceIdentity
from laurel.ingest.sources import authenticate_basic, create_source
from tests.ingest.helpers import IngestTestCase, grade

LIST = "/orgs/hanbit/sources/"


class SourcePagesAccessTests(IngestTestCase):
    def test_issuers_see_the_list_without_the_add_button(self) -> None:
        self.login(self.teammate)
        response = self.client.get(LIST)
        self.assertContains(response, "Moodle")
        self.assertNotContains(response, "/orgs/hanbit/sources/new/")

    def test_owners_see_the_add_button(self) -> None:
        self.login(self.owner)
        self.assertContains(self.client.get(LIST), "/orgs/hanbit/sources/new/")

    def test_mentors_and_viewers_may_not_see_sources(self) -> None:
        for user in (self.mentor, self.viewer):
            self.login(user)
            self.assertEqual(self.client.get(LIST).status_code, 403)

    def test_outsiders_get_not_found(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(LIST).status_code, 404)
        self.assertEqual(self.client.get(f"{LIST}{self.source.public_id}/").status_code, 404)

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get(LIST)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_issuers_may_not_create_rotate_or_deactivate(self) -> None:
        self.login(self.teammate)
        self.assertEqual(self.client.post(f"{LIST}new/", {"kind": "xapi"}).status_code, 403)
        self.assertEqual(self.client.post(f"{LIST}{self.source.public_id}/rotate/").status_code, 403)
        self.assertEqual(self.client.post(f"{LIST}{self.source.public_id}/deactivate/").status_code, 403)
        self.assertEqual(Source.objects.count(), 1)

    def test_a_source_of_another_organization_is_not_found(self) -> None:
        theirs, _ = create_source(self.actor, self.other_org, "xapi", "Theirs")
        self.login(self.owner)
        self.assertEqual(self.client.get(f"{LIST}{theirs.public_id}/").status_code, 404)
        self.assertEqual(self.client.post(f"{LIST}{theirs.public_id}/deactivate/").status_code, 404)


class SourcePagesTests(IngestTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.owner)

    def test_creating_shows_working_credentials_once_and_not_cached(self) -> None:
        response = self.client.post(f"{LIST}new/", {"kind": "xapi", "name": "Moodle 2"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "no-store")
        values = {key: response.context["lines"][key] for key in ("username", "password")}
        self.assertContains(response, values["password"])
        self.assertIsNotNone(authenticate_basic(values["username"], values["password"]))
        detail = self.client.get(f"{LIST}{Source.objects.get(name='Moodle 2').public_id}/")
        self.assertNotContains(detail, values["password"])

    def test_an_unknown_kind_is_a_form_error(self) -> None:
        response = self.client.post(f"{LIST}new/", {"kind": "gopher"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Source.objects.count(), 1)

    def test_rotating_shows_the_new_password(self) -> None:
        response = self.client.post(f"{LIST}{self.source.public_id}/rotate/")
        lines = response.context["lines"]
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(authenticate_basic(lines["username"], lines["password"]), self.source)

    def test_rotating_a_csv_source_says_there_is_nothing_to_rotate(self) -> None:
        csv, _ = create_source(self.actor, self.org, "csv", "Files")
        response = self.client.post(f"{LIST}{csv.public_id}/rotate/", follow=True)
        self.assertContains(response, "no secret to rotate")

    def test_deactivating(self) -> None:
        response = self.client.post(f"{LIST}{self.source.public_id}/deactivate/", follow=True)
        self.assertContains(response, "was deactivated")
        self.source.refresh_from_db()
        self.assertFalse(self.source.is_active)

    def test_rotate_and_deactivate_take_post_only(self) -> None:
        self.assertEqual(self.client.get(f"{LIST}{self.source.public_id}/rotate/").status_code, 405)
        self.assertEqual(self.client.get(f"{LIST}{self.source.public_id}/deactivate/").status_code, 405)

    def test_the_detail_page_shows_recent_facts_and_parked_people(self) -> None:
        record_facts(self.source, [grade("a", obj="Quiz 9"), grade("b", "stray@elsewhere.example", obj="q2")])
        response = self.client.get(f"{LIST}{self.source.public_id}/")
        self.assertContains(response, "Quiz 9")
        self.assertContains(response, "stray@elsewhere.example")
        self.assertEqual([i.value for i in response.context["parked"]], ["stray@elsewhere.example"])

    def test_an_lti_source_shows_its_tool_urls(self) -> None:
        lti, lines = create_source(self.actor, self.org, "lti", "Canvas LTI")
        response = self.client.get(f"{LIST}{lti.public_id}/")
        for key, value in lines.items():
            self.assertContains(response, value)

    def test_linking_a_parked_person_by_student_id(self) -> None:
        record_facts(self.source, [grade("a", "account-9|x", kind="account")])
        identity = SourceIdentity.objects.get()
        url = f"{LIST}{self.source.public_id}/identities/{identity.pk}/link/"
        response = self.client.post(url, {"recipient": "2025002"}, follow=True)
        self.assertContains(response, "1 facts attached")
        self.assertEqual(Fact.objects.get().recipient, self.lee)
        self.assertTrue(AuditEvent.objects.filter(action="source_identity.link", actor=self.owner).exists())

    def test_linking_to_nobody_is_an_error_that_changes_nothing(self) -> None:
        record_facts(self.source, [grade("a", "account-9|x", kind="account")])
        identity = SourceIdentity.objects.get()
        url = f"{LIST}{self.source.public_id}/identities/{identity.pk}/link/"
        response = self.client.post(url, {"recipient": "nobody@nowhere.example"}, follow=True)
        self.assertContains(response, "No recipient of this organization")
        self.assertIsNone(Fact.objects.get().recipient)

    def test_matching_attaches_facts_of_recipients_added_later(self) -> None:
        from laurel.orgs.models import Recipient

        record_facts(self.source, [grade("a", "late@example.com")])
        Recipient.objects.create(org=self.org, email="late@example.com")
        response = self.client.post(f"{LIST}{self.source.public_id}/match/", follow=True)
        self.assertContains(response, "1 parked facts found their recipient")
        self.assertIsNotNone(Fact.objects.get().recipient)
