from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from laurel.accounts.models import User
from laurel.core.text import canonical_email


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = kwargs.get("email") or username
        if not email or not password:
            return None
        try:
            user = User.objects.get(email=canonical_email(email))
        except User.DoesNotExist:
            User().set_password(password)  # spend the same time as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
