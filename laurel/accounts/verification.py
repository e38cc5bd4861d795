"""Signed, expiring links that prove someone reads a mailbox.

Nothing is stored: the link carries what it proves, signed with the secret key.
A link is bound to one account, so following it only counts for that account.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from laurel.accounts.models import Identifier, User
from laurel.orgs.models import Recipient

MAX_AGE = timedelta(days=3)
EMAIL_SALT = "laurel.accounts.verify-email"
STUDENT_ID_SALT = "laurel.accounts.verify-student-id"


class LinkInvalid(Exception):
    pass


class LinkExpired(LinkInvalid):
    pass


@dataclass(frozen=True)
class EmailClaim:
    user_id: int
    email: str


@dataclass(frozen=True)
class StudentIdClaim:
    user_id: int
    identifier_id: int
    recipient_id: int
    email: str


def email_link(user: User, email: str) -> str:
    token = signing.dumps({"u": user.pk, "e": email}, salt=EMAIL_SALT, compress=True)
    return settings.SITE_URL + reverse("accounts:verify_email", args=[token])


def student_id_link(identifier: Identifier, recipient: Recipient) -> str:
    payload = {"u": identifier.user_id, "i": identifier.pk, "r": recipient.pk, "e": recipient.email}
    token = signing.dumps(payload, salt=STUDENT_ID_SALT, compress=True)
    return settings.SITE_URL + reverse("accounts:verify_student_id", args=[token])


def _load(token: str, salt: str) -> dict[str, object]:
    try:
        data = signing.loads(token, salt=salt, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if not isinstance(data, dict):
        raise LinkInvalid
    return data


def read_email_link(token: str) -> EmailClaim:
    data = _load(token, EMAIL_SALT)
    return EmailClaim(user_id=int(data["u"]), email=str(data["e"]))  # type: ignore[call-overload]


def read_student_id_link(token: str) -> StudentIdClaim:
    data = _load(token, STUDENT_ID_SALT)
    return StudentIdClaim(
        user_id=int(data["u"]),  # type: ignore[call-overload]
        identifier_id=int(data["i"]),  # type: ignore[call-overload]
        recipient_id=int(data["r"]),  # type: ignore[call-overload]
        email=str(data["e"]),
    )
