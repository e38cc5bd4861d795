from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "laurel.ingest.lti"
    label = "lti"
