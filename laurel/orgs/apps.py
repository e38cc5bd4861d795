from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "laurel.orgs"
    label = "orgs"
