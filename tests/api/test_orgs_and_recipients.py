from django.test import override_settings

from laurel.audit.models import AuditEvent
from laurel.orgs.models import Recipient
from tests.api.helpers import ApiTestCase, make_token


class OrgProfileTests(ApiTestCase):
    def test_the_profile_shows_both_names_and_the_public_base_url(self) -> None:
        self.org.url = "https://hanbit.example"
        self.org.public_base_url = "https://badges.hanbit.example/"
        self.org.save()
        data = self.api("get", "/orgs/hanbit", self.viewer_token).json()
        self.assertEqual(data["name_ko"], "한빛대학교")
        self.assertEqual(data["name_en"], "Hanbit University")
        self.assertEqual(data["url"], "https://hanbit.example")
        self.assertEqual(data["default_language"], "ko")
        self.assertEqual(data["public_base_url"], "https://badges.hanbit.example")
        self.assertEqual(data["public_id"], str(self.org.public_id))

    @override_settings(SITE_URL="https://laurel.example")
    def test_without_its_own_address_the_org_uses_the_sites(self) -> None:
        data = self.api("get", "/orgs/hanbit", self.viewer_token).json()
        self.assertEqual(data["public_base_url"], "https://laurel.example")


class RecipientTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.minji = Recipient.objects.create(
            org=cls.org, email="minji@student.example", name="김민지", student_id="2024-0012"
        )
        cls.jisoo = Recipient.objects.create(org=cls.org, email="jisoo@student.example", name="박지수")
        Recipient.objects.create(org=cls.other_org, email="minji@student.example", name="Minji elsewhere")

    def emails(self, **params: object) -> list[str]:
        response = self.api("get", "/orgs/hanbit/recipients", self.viewer_token, params)
        self.assertEqual(response.status_code, 200, response.content)
        return sorted(r["email"] for r in response.json()["items"])

    def test_the_list_holds_only_this_orgs_recipients_and_filters(self) -> None:
        self.assertEqual(self.emails(), ["jisoo@student.example", "minji@student.example"])
        self.assertEqual(self.emails(email="MinJi@Student.example"), ["minji@student.example"])
        self.assertEqual(self.emails(student_id="2024-0012"), ["minji@student.example"])
        self.assertEqual(self.emails(q="지수"), ["jisoo@student.example"])

    def test_a_recipient_is_read_by_public_id_and_not_across_orgs(self) -> None:
        data = self.api("get", f"/orgs/hanbit/recipients/{self.minji.public_id}", self.viewer_token).json()
        self.assertEqual(data["name"], "김민지")
        self.assertEqual(data["student_id"], "2024-0012")
        foreign = Recipient.objects.get(org=self.other_org)
        self.assertProblem(
            self.api("get", f"/orgs/hanbit/recipients/{foreign.public_id}", self.viewer_token), 404
        )
        self.assertProblem(self.api("get", "/orgs/hanbit/recipients/not-a-uuid", self.viewer_token), 404)

    def test_posting_a_new_email_creates_a_recipient(self) -> None:
        body = {"email": "Hana@Student.example", "name": "이하나", "language": "en"}
        response = self.api("post", "/orgs/hanbit/recipients", self.teammate_token, body)
        self.assertEqual(response.status_code, 201, response.content)
        created = Recipient.objects.get(org=self.org, email="hana@student.example")
        self.assertEqual(response.json()["public_id"], str(created.public_id))
        self.assertEqual(created.language, "en")
        self.assertEqual(AuditEvent.objects.get(action="recipients.create").via, "api")

    def test_posting_a_known_email_returns_it_and_fills_what_was_missing(self) -> None:
        body = {"email": "jisoo@student.example", "name": "someone else", "student_id": "2024-0099"}
        response = self.api("post", "/orgs/hanbit/recipients", self.teammate_token, body)
        self.assertEqual(response.status_code, 200)
        self.jisoo.refresh_from_db()
        self.assertEqual(self.jisoo.name, "박지수")  # never overwritten
        self.assertEqual(self.jisoo.student_id, "2024-0099")
        self.assertEqual(Recipient.objects.filter(org=self.org).count(), 2)

    def test_a_student_id_held_by_someone_else_is_422(self) -> None:
        body = {"email": "jisoo@student.example", "student_id": "2024-0012"}
        response = self.api("post", "/orgs/hanbit/recipients", self.teammate_token, body)
        problem = self.assertProblem(response, 422)
        self.assertEqual(problem["errors"][0]["pointer"], "/student_id")
        self.assertIn("minji@student.example", problem["errors"][0]["message"])

    def test_a_bad_email_is_422(self) -> None:
        token = make_token(self.owner, self.org)
        response = self.api("post", "/orgs/hanbit/recipients", token, {"email": "nobody"})
        problem = self.assertProblem(response, 422)
        self.assertEqual(problem["errors"][0]["pointer"], "/email")
