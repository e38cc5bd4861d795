from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "laurel.rules"
    label = "rules"

    def ready(self) -> None:
        from laurel.ingest import pending
        from laurel.rules.finder import find_pairs

        pending.register(find_pairs)
