from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "laurel.audit"
    label = "audit"
