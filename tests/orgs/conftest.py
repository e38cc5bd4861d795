from collections.abc import Iterator

import pytest
from django.test import override_settings


@pytest.fixture(scope="package", autouse=True)
def fast_password_hasher() -> Iterator[None]:
    # Every test class makes six personas with passwords; real hashing would
    # spend most of this package's time on PBKDF2.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
