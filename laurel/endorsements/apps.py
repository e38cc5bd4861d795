from django.apps import AppConfig


class EndorsementsConfig(AppConfig):
    name = "laurel.endorsements"
    label = "endorsements"
