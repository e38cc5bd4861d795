from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

View = Callable[..., HttpResponse]


def signed_in(view: View) -> View:
    """Signed in, and past the second factor when the account has one.

    A password alone opens only the pages needed to finish signing in.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_verified() and user_has_device(user, confirmed=True):  # type: ignore[attr-defined,union-attr]
            query = urlencode({"next": request.get_full_path()})
            return redirect(reverse("accounts:two_factor") + "?" + query)
        return view(request, *args, **kwargs)

    return wrapper
