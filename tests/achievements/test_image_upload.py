import io
import struct
import zlib
from unittest import mock

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils.translation import override
from PIL import Image

from laurel.achievements.images import prepare_upload
from laurel.achievements.models import Achievement, ImageAsset
from laurel.test import BaseTestCase
from tests.achievements.helpers import form_post


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny file whose header claims the given size: decoding it would allocate gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def real_png(size: tuple[int, int] = (64, 64), colour: str = "#0b5cad") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


class PngCheckTests(BaseTestCase):
    def refusal(self, data: bytes) -> str:
        with override("en"), self.assertRaises(ValidationError) as caught:
            prepare_upload(data)
        return " ".join(caught.exception.messages)

    def test_a_png_bomb_is_refused_from_its_header_without_decoding(self) -> None:
        with mock.patch.object(Image.Image, "load", side_effect=AssertionError("decoded")) as load:
            message = self.refusal(png_claiming(30000, 30000))
        self.assertIn(str(settings.MAX_IMAGE_PIXELS), message)
        load.assert_not_called()

    def test_a_png_just_over_the_pixel_limit_is_refused_naming_its_size(self) -> None:
        with mock.patch.object(Image.Image, "load", side_effect=AssertionError("decoded")) as load:
            message = self.refusal(png_claiming(3000, 3000))
        self.assertIn("3000×3000", message)
        load.assert_not_called()

    @override_settings(MAX_IMAGE_BYTES=1000)
    def test_an_oversized_file_is_refused(self) -> None:
        data = real_png((400, 400))
        self.assertGreater(len(data), 1000)
        self.assertIn("1000 bytes", self.refusal(data + b"\0" * 1000))

    def test_a_truncated_png_is_refused(self) -> None:
        data = real_png((64, 64))
        self.assertIn("PNG", self.refusal(data[: len(data) // 2]))

    def test_a_file_that_is_neither_png_nor_svg_is_refused(self) -> None:
        self.assertIn("PNG or SVG", self.refusal(b"GIF89a\x01\x00\x01\x00"))

    def test_a_real_png_is_accepted_with_its_size(self) -> None:
        image = prepare_upload(real_png((120, 80)))
        self.assertEqual((image.width, image.height, image.content_type), (120, 80, "image/png"))
        self.assertIsNone(image.png)


class UploadThroughEditorTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.teammate)

    def post(self, upload: SimpleUploadedFile, **overrides: str):  # type: ignore[no-untyped-def]
        data = form_post(image_source="upload", **overrides)
        return self.client.post("/orgs/hanbit/achievements/new/", {**data, "image_file": upload})

    def test_an_uploaded_png_becomes_the_image_and_its_own_png(self) -> None:
        data = real_png((256, 256))
        self.post(SimpleUploadedFile("badge.png", data, content_type="image/png"))
        version = Achievement.objects.get().current_version
        self.assertEqual(bytes(version.image.data), data)
        self.assertEqual(version.image_png_id, version.image_id)
        self.assertEqual(version.design, {})

    def test_an_uploaded_svg_is_stored_sanitized_and_rendered_to_png(self) -> None:
        svg = (
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
            b'<rect width="10" height="10" fill="#f00"/></svg>'
        )
        self.post(SimpleUploadedFile("badge.svg", svg, content_type="image/svg+xml"))
        version = Achievement.objects.get().current_version
        self.assertEqual(version.image.content_type, "image/svg+xml")
        png = Image.open(io.BytesIO(bytes(version.image_png.data)))
        self.assertEqual(png.size, (512, 512))
        self.assertEqual(png.convert("RGB").getpixel((256, 256)), (255, 0, 0))

    def test_a_hostile_svg_upload_is_refused_with_the_reason_and_nothing_is_saved(self) -> None:
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
        with override("en"):
            response = self.post(SimpleUploadedFile("badge.svg", svg, content_type="image/svg+xml"))
        self.assertContains(response, "onload")
        self.assertEqual(Achievement.objects.count(), 0)
        self.assertEqual(ImageAsset.objects.count(), 0)

    @override_settings(MAX_IMAGE_BYTES=2000)
    def test_an_oversized_upload_is_refused_before_it_is_read(self) -> None:
        upload = SimpleUploadedFile("big.png", real_png() + b"\0" * 5000, content_type="image/png")
        with mock.patch("laurel.achievements.forms.prepare_upload") as prepare, override("en"):
            response = self.post(upload)
        prepare.assert_not_called()
        self.assertIn("2000 bytes", response.context["form"].errors["image_file"][0])
        self.assertEqual(Achievement.objects.count(), 0)

    def test_a_previewed_upload_is_kept_for_the_save_without_sending_the_file_again(self) -> None:
        data = real_png((100, 100))
        response = self.post(
            SimpleUploadedFile("badge.png", data, content_type="image/png"), preview="1", save=""
        )
        self.assertEqual(Achievement.objects.count(), 0)
        sha = ImageAsset.digest(data)
        self.assertContains(response, f'value="{sha}"')
        self.assertContains(response, "data:image/png;base64,")
        form = form_post(image_source="upload", image_sha256=sha)
        self.client.post("/orgs/hanbit/achievements/new/", form)
        self.assertEqual(Achievement.objects.get().current_version.image.sha256, sha)

    def test_upload_chosen_without_a_file_names_the_file_field(self) -> None:
        response = self.client.post("/orgs/hanbit/achievements/new/", form_post(image_source="upload"))
        self.assertIn("image_file", response.context["form"].errors)
