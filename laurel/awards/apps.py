from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "laurel.awards"
    label = "awards"
