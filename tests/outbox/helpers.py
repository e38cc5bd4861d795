from laurel.outbox.models import OutboxMessage


def queued_email(
    subject: str = "배지가 발급되었습니다", to: str = "learner@student.example", **fields: object
) -> OutboxMessage:
    payload = {
        "to": to,
        "subject": subject,
        "text": "본문",
        "html": "",
        "from": "Laurel <no-reply@localhost>",
    }
    return OutboxMessage.objects.create(kind=OutboxMessage.Kind.EMAIL, payload=payload, **fields)
