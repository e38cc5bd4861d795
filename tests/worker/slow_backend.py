"""An email backend for worker subprocesses: the file backend, as slow as a real SMTP server.

Used through LAUREL_EMAIL_BACKEND=tests.worker.slow_backend.EmailBackend so the
tests can kill a worker in the middle of its sending without test hooks in
production code. Every message lands in $LAUREL_DATA_DIR/mail.
"""

import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileBackend

DELAY_SECONDS = 0.2


class EmailBackend(FileBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            time.sleep(DELAY_SECONDS)
            sent += super().send_messages([message])
        return sent
