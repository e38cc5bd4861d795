from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "laurel.demo"
    label = "demo"
