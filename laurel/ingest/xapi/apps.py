from django.apps import AppConfig


class XapiConfig(AppConfig):
    name = "laurel.ingest.xapi"
    label = "xapi"
