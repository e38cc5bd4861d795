from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from laurel.accounts.models import User


def password_set_url(user: User) -> str:
    """A one-time link to choose a password (sign-in links, invitations, resets).

    It stops working once the password changes or the user signs in.
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.SITE_URL}/accounts/reset/{uid}/{token}/"
