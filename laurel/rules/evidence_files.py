"""Files learners attach as evidence: small, of a few kinds recognised by their first bytes
(never by the name or the browser's word), and served so a browser cannot run them."""

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024
# (first bytes, content type, extension)
KINDS = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
MAX_NAME = 120


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_attachment(upload: IO[bytes], name: str, size: int | None) -> Attachment:
    """The uploaded file checked and named safely; ValidationError on the "file" field."""
    if size is not None and size > MAX_FILE_BYTES:
        raise _too_big()
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_big()
    if not data:
        raise ValidationError({"file": [_("The file is empty.")]})
    for magic, content_type, extension in KINDS:
        if data.startswith(magic):
            return Attachment(name=safe_name(name, extension), content_type=content_type, data=data)
    raise ValidationError({"file": [_("Attach a PDF, PNG or JPEG file.")]})


def _too_big() -> ValidationError:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return ValidationError({"file": [_("The file is larger than %(limit)s MB.") % {"limit": limit}]})


def safe_name(name: str, extension: str) -> str:
    """The file's own name without folders or control characters, ending in its real extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    stem = base.rsplit(".", 1)[0].strip(" .") or "evidence"
    return f"{stem[:MAX_NAME]}.{extension}"
