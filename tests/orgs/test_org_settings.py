from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from laurel.achievements.models import ImageAsset
from laurel.audit.models import AuditEvent
from laurel.orgs.models import Organization
from laurel.test import BaseTestCase
from tests.orgs import pngs

URL = "/orgs/hanbit/settings/"


def form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name_ko": "한빛대학교",
        "name_en": "Hanbit University",
        "description_ko": "",
        "description_en": "",
        "url": "https://hanbit.example",
        "email": "badges@hanbit.example",
        "default_language": "ko",
        "public_base_url": "",
    }
    data.update(changes)
    return data


def upload(data: bytes, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


class SettingsAccessTests(BaseTestCase):
    def test_owner_sees_the_form_filled_in(self) -> None:
        self.login(self.owner)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Hanbit University"')
        self.assertContains(response, '<label for="id_public_base_url"')

    def test_teammate_mentor_and_viewer_are_forbidden(self) -> None:
        for user in (self.teammate, self.mentor, self.viewer):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL, form(name_en="Hacked")).status_code, 403)
        self.assertEqual(Organization.objects.get(slug="hanbit").name_en, "Hanbit University")

    def test_outsider_and_learner_get_404(self) -> None:
        for user in (self.outsider, self.learner):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 404)
            self.assertEqual(self.client.post(URL, form(name_en="Hacked")).status_code, 404)
        self.assertEqual(Organization.objects.get(slug="hanbit").name_en, "Hanbit University")


class SettingsSaveTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def test_it_saves_and_records_before_and_after(self) -> None:
        response = self.client.post(
            URL, form(name_en="Hanbit Univ.", description_ko="빛나는 배움", default_language="en")
        )
        self.assertRedirects(response, URL)
        org = Organization.objects.get(slug="hanbit")
        self.assertEqual(
            (org.name_en, org.description_ko, org.default_language), ("Hanbit Univ.", "빛나는 배움", "en")
        )
        event = AuditEvent.objects.get(action="org.update")
        self.assertEqual(event.actor, self.owner)
        self.assertEqual(event.before["name_en"], "Hanbit University")
        self.assertEqual(event.after["name_en"], "Hanbit Univ.")
        self.assertEqual(event.after["default_language"], "en")
        # Unchanged fields stay out of the log.
        self.assertNotIn("name_ko", event.after)

    def test_saving_without_changes_records_nothing(self) -> None:
        Organization.objects.filter(slug="hanbit").update(
            url="https://hanbit.example", email="badges@hanbit.example"
        )
        self.client.post(URL, form())
        self.assertFalse(AuditEvent.objects.filter(action="org.update").exists())

    def test_one_name_is_enough(self) -> None:
        self.client.post(URL, form(name_ko=""))
        self.assertEqual(Organization.objects.get(slug="hanbit").name_ko, "")

    def test_at_least_one_name_is_required(self) -> None:
        response = self.client.post(URL, form(name_ko="", name_en="  "))
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Give the organization a name in Korean, English or both.", status_code=400
        )
        self.assertEqual(Organization.objects.get(slug="hanbit").name_ko, "한빛대학교")

    def test_public_base_url_keeps_only_scheme_and_host(self) -> None:
        self.client.post(URL, form(public_base_url="https://badges.hanbit.example:8443/"))
        self.assertEqual(
            Organization.objects.get(slug="hanbit").public_base_url, "https://badges.hanbit.example:8443"
        )

    def test_public_base_url_with_a_path_query_or_other_scheme_is_refused(self) -> None:
        bad = [
            "https://badges.hanbit.example/issuer",
            "https://badges.hanbit.example/?x=1",
            "https://badges.hanbit.example/#top",
            "ftp://badges.hanbit.example",
            "javascript:alert(1)",
            "https://user:pw@badges.hanbit.example",
            "badges.hanbit.example",
        ]
        for value in bad:
            response = self.client.post(URL, form(public_base_url=value))
            self.assertEqual(response.status_code, 400, value)
            self.assertTrue(response.context["form"].has_error("public_base_url"), value)
        self.assertEqual(Organization.objects.get(slug="hanbit").public_base_url, "")

    def test_a_bad_website_or_email_names_the_field(self) -> None:
        response = self.client.post(URL, form(url="http://", email="not-an-email", name_en="Changed"))
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].has_error("url"))
        self.assertTrue(response.context["form"].has_error("email"))
        self.assertEqual(Organization.objects.get(slug="hanbit").name_en, "Hanbit University")


class LogoTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def post_logo(self, data: bytes, name: str = "logo.png", **changes: object):  # type: ignore[no-untyped-def]
        return self.client.post(URL, {**form(**changes), "logo": upload(data, name)})

    def test_a_png_logo_is_stored_by_its_hash(self) -> None:
        data = pngs.png(120, 80)
        self.assertRedirects(self.post_logo(data), URL)
        org = Organization.objects.select_related("logo").get(slug="hanbit")
        import hashlib

        self.assertEqual(org.logo.sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual((org.logo.width, org.logo.height, org.logo.content_type), (120, 80, "image/png"))
        self.assertEqual(bytes(org.logo.data), data)
        event = AuditEvent.objects.get(action="org.update")
        self.assertEqual(event.after["logo_sha256"], org.logo.sha256)

    def test_the_same_image_twice_is_stored_once(self) -> None:
        data = pngs.png(10, 10)
        self.post_logo(data)
        self.client.post(URL, {**form(), "remove_logo": "on"})
        self.assertIsNone(Organization.objects.get(slug="hanbit").logo)
        self.post_logo(data)
        self.assertEqual(ImageAsset.objects.count(), 1)
        self.assertIsNotNone(Organization.objects.get(slug="hanbit").logo)

    @override_settings(MAX_IMAGE_BYTES=2000)
    def test_an_oversized_png_is_refused(self) -> None:
        data = pngs.noisy_png(40, 40)
        self.assertGreater(len(data), 2000)
        response = self.post_logo(data, name_en="Changed")
        self.assertEqual(response.status_code, 400)
        self.assertIn("2000 bytes", str(response.context["form"].errors["logo"]))
        self.assertFalse(ImageAsset.objects.exists())
        self.assertEqual(Organization.objects.get(slug="hanbit").name_en, "Hanbit University")

    def test_a_jpeg_renamed_png_is_refused(self) -> None:
        response = self.post_logo(pngs.jpeg(), "photo.png")
        self.assertEqual(response.status_code, 400)
        self.assertIn("not a PNG", str(response.context["form"].errors["logo"]))
        self.assertFalse(ImageAsset.objects.exists())

    def test_a_png_bomb_is_refused_from_its_header(self) -> None:
        data = pngs.bomb_png(20000, 20000)
        self.assertLess(len(data), 200)
        response = self.post_logo(data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("pixels", str(response.context["form"].errors["logo"]))
        self.assertFalse(ImageAsset.objects.exists())

    @override_settings(MAX_IMAGE_PIXELS=100 * 100)
    def test_a_png_just_over_the_pixel_limit_is_refused_with_its_size(self) -> None:
        response = self.post_logo(pngs.png(101, 100))
        self.assertIn("101×100", str(response.context["form"].errors["logo"]))
        self.assertRedirects(self.post_logo(pngs.png(100, 100)), URL)

    def test_a_truncated_png_is_refused(self) -> None:
        response = self.post_logo(pngs.truncated_png())
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].has_error("logo"))
        self.assertFalse(ImageAsset.objects.exists())

    def test_a_file_not_named_png_is_refused(self) -> None:
        response = self.post_logo(pngs.png(), "logo.gif")
        self.assertEqual(response.status_code, 400)
        self.assertIn(".png", str(response.context["form"].errors["logo"]))
