from django.test import TestCase
from django.utils.html import escape

from laurel.awards.models import Award
from tests.demo.helpers import seed_demo


class DemoPublicPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed_demo()

    def test_every_demo_award_has_a_public_page_naming_its_badge(self) -> None:
        awards = Award.objects.filter(org__slug="hanbit").select_related("version")
        self.assertEqual(awards.count(), 32)  # 30 seeded, 2 earned through the course rule
        for award in awards:
            response = self.client.get(f"/a/{award.public_id}/", HTTP_ACCEPT_LANGUAGE="ko")
            self.assertContains(response, escape(award.version.name_ko), msg_prefix=award.public_id)

    def test_the_public_page_shows_the_english_name_to_english_readers(self) -> None:
        award = Award.objects.filter(org__slug="hanbit").select_related("version").first()
        assert award is not None
        response = self.client.get(f"/a/{award.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, escape(award.version.name_en))

    def test_the_public_page_never_shows_the_learners_email(self) -> None:
        award = Award.objects.filter(org__slug="hanbit").select_related("recipient").first()
        assert award is not None
        response = self.client.get(f"/a/{award.public_id}/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, award.recipient.email)
