from django.apps import AppConfig


class AchievementsConfig(AppConfig):
    name = "laurel.achievements"
    label = "achievements"
