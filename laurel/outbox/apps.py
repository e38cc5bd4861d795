from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "laurel.outbox"
    label = "outbox"
