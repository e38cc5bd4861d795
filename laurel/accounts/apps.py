from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "laurel.accounts"
    label = "accounts"
