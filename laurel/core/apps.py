from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "laurel.core"
    label = "core"
