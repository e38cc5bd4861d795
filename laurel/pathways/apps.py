from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "laurel.pathways"
    label = "pathways"
