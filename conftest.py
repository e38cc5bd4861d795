import os
import tempfile

# Tests never touch the developer's data folder, and use a fast password hasher.
os.environ.setdefault("LAUREL_DATA_DIR", tempfile.mkdtemp(prefix="laurel-test-"))
os.environ.setdefault("LAUREL_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("LAUREL_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
