import time_machine

from laurel.awards.models import Award
from laurel.orgs.models import Recipient
from laurel.outbox.models import OutboxMessage
from tests.awards.helpers import NOW, AwardsTestCase, make_achievement, make_award

URL = "/orgs/hanbit/awards/new/"


@time_machine.travel(NOW, tick=False)
class AwardFormTests(AwardsTestCase):
    def form(self, **overrides: object) -> dict[str, object]:
        data: dict[str, object] = {
            "achievement": self.python.pk,
            "email": "hong@example.com",
            "name": "홍길동",
            "student_id": "",
            "language": "ko",
            "evidence_url": "https://example.com/project",
            "evidence_narrative": "졸업 작품",
            "issued_on": "2025-03-09",
        }
        data.update(overrides)
        return data

    def setUp(self) -> None:
        super().setUp()
        self.login(self.teammate)

    def test_the_form_lists_only_awardable_badges_of_this_organization(self) -> None:
        make_achievement(self.org, "retired", name_en="Retired Badge", archived=True)
        response = self.client.get(URL)
        self.assertContains(response, "Python Basics")
        self.assertNotContains(response, "Retired Badge")
        self.assertNotContains(response, "Other Academy Badge")

    def test_every_input_has_a_label(self) -> None:
        response = self.client.get(URL)
        for name in ("achievement", "email", "name", "student_id", "language", "issued_on", "evidence_url"):
            self.assertContains(response, f'for="id_{name}"')

    def test_the_duplicate_checkbox_is_hidden_at_first(self) -> None:
        self.assertNotContains(self.client.get(URL), 'name="allow_duplicate"')

    def test_the_issuer_awards_and_lands_on_the_award(self) -> None:
        response = self.client.post(URL, self.form(), follow=True)
        award = Award.objects.get()
        self.assertRedirects(response, f"/orgs/hanbit/awards/{award.public_id}/")
        self.assertContains(response, "The email is on its way")
        self.assertEqual(award.evidence_narrative, "졸업 작품")
        self.assertEqual(award.issued_on.isoformat(), "2025-03-09")
        self.assertEqual(OutboxMessage.objects.count(), 1)

    def test_the_owner_may_award(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.post(URL, self.form()).status_code, 302)
        self.assertEqual(Award.objects.count(), 1)

    def test_mentors_and_viewers_are_forbidden(self) -> None:
        for user in (self.mentor, self.viewer):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertEqual(self.client.post(URL, self.form()).status_code, 403)
        self.assertFalse(Award.objects.exists())

    def test_outsiders_and_learners_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.post(URL, self.form()).status_code, 404)
        self.assertFalse(Award.objects.exists())

    def test_a_future_date_is_an_error_on_the_form(self) -> None:
        response = self.client.post(URL, self.form(issued_on="2025-03-11"))
        self.assertContains(response, "in the future", status_code=400)
        self.assertFalse(Award.objects.exists())

    def test_a_javascript_evidence_url_is_an_error_on_the_form(self) -> None:
        response = self.client.post(URL, self.form(evidence_url="javascript:alert(1)"))
        self.assertContains(response, "http:// or https://", status_code=400)
        self.assertFalse(Award.objects.exists())

    def test_another_organizations_badge_is_not_a_valid_choice(self) -> None:
        response = self.client.post(URL, self.form(achievement=self.foreign.pk))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Award.objects.exists())

    def test_a_duplicate_shows_the_checkbox_and_awards_nothing(self) -> None:
        existing = make_award(self.python, "hong@example.com", "홍길동")
        response = self.client.post(URL, self.form())
        self.assertContains(response, "already holds this badge", status_code=400)
        self.assertContains(response, 'name="allow_duplicate"', status_code=400)
        self.assertContains(response, f"/orgs/hanbit/awards/{existing.public_id}/", status_code=400)
        self.assertEqual(Award.objects.count(), 1)

    def test_ticking_the_checkbox_awards_the_duplicate(self) -> None:
        make_award(self.python, "hong@example.com", "홍길동")
        response = self.client.post(URL, self.form(allow_duplicate="on"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Award.objects.count(), 2)

    def test_a_student_id_clash_is_an_error_on_the_student_id_field(self) -> None:
        make_award(self.safety, "kim@example.com", "Kim")
        Recipient.objects.filter(email="kim@example.com").update(student_id="2024001")
        response = self.client.post(URL, self.form(student_id="2024001"))
        self.assertContains(response, "already belongs to another recipient", status_code=400)
        self.assertFalse(Award.objects.filter(achievement=self.python).exists())
