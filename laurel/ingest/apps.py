from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "laurel.ingest"
    label = "ingest"
