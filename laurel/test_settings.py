"""Settings for the test suite: the real settings, read with test defaults in the environment."""

import os
import tempfile

# Tests never touch the developer's data folder, send no real mail, and hash fast.
os.environ.setdefault("LAUREL_DATA_DIR", tempfile.mkdtemp(prefix="laurel-test-"))
os.environ.setdefault("LAUREL_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("LAUREL_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from laurel.settings import *  # noqa: F403

# Assertions read the English msgids; tests of the Korean default set it themselves.
LANGUAGE_CODE = "en"
