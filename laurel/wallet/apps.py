from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "laurel.wallet"
    default_auto_field = "django.db.models.BigAutoField"
