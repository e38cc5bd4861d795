"""Test helpers that compute expected values without our own code."""

import re

from django.core import mail
from django.test import Client, override_settings

from laurel.outbox.delivery import deliver_due
from laurel.test import BaseTestCase
from tests.totp import key_from_base32, totp  # noqa: F401 - the accounts tests import them from here


def delivered() -> list[mail.EmailMessage]:
    """Run the outbox as the worker would and return what reached the mail backend."""
    deliver_due()
    return list(mail.outbox)


def link_in(body: str) -> str:
    """The first link in an email body, as a path on this site."""
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, f"no link in: {body}"
    return match.group(1)


# Real hashers take a third of a second per check on purpose; these tests check
# hundreds of passwords and are about the flows, not the hash.
fast_passwords = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


class EnglishClient(Client):
    """A browser asking for English, so assertions read the English msgids even once Korean is compiled."""

    def __init__(self, **defaults: object) -> None:
        super().__init__(headers={"accept-language": "en"}, **defaults)  # type: ignore[arg-type]


@fast_passwords
class AccountsTestCase(BaseTestCase):
    client_class = EnglishClient
