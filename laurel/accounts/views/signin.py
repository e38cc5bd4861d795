from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from laurel.accounts import actions, limits
from laurel.accounts.forms import LoginForm, SignupForm
from laurel.accounts.models import User
from laurel.accounts.redirects import safe_next
from laurel.accounts.two_factor import confirmed_totp
from laurel.accounts.views.common import set_language_cookie
from laurel.core.actor import Actor


def after_sign_in(user: User, next_url: str) -> HttpResponse:
    """Where a fresh session goes: through the second factor first when the user has one."""
    target = next_url
    if confirmed_totp(user) is not None:
        target = reverse("accounts:two_factor") + "?" + urlencode({"next": next_url})
    return set_language_cookie(redirect(target), user.language)


@sensitive_post_parameters("password")
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    form = LoginForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["username"]
        # Both buckets are checked before the password is, so a locked-out guesser learns nothing.
        if not (
            limits.allow("login-email", email, limits.LOGIN_PER_EMAIL)
            and limits.allow("login-ip", limits.client_ip(request), limits.LOGIN_PER_IP)
        ):
            form.add_error(
                None,
                _(
                    "Too many sign-in attempts. Wait 15 minutes and try again, "
                    "or reset your password by email."
                ),
            )
            status = 429
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if user is not None:
                auth_login(request, user)
                return after_sign_in(user, next_url)  # type: ignore[arg-type]
            form.add_error(None, _("The email address or the password is not right."))
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@sensitive_post_parameters("password")
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not limits.allow("signup-ip", limits.client_ip(request), limits.SIGNUP_PER_IP):
            form.add_error(None, _("Too many sign-ups from your network. Wait an hour and try again."))
            return render(request, "accounts/signup.html", {"form": form}, status=429)
        # Past the per-address limit nothing more is sent, but the answer stays the same.
        if limits.allow("signup-email", email, limits.SIGNUP_PER_EMAIL):
            actions.sign_up(
                Actor.from_request(request),
                email=email,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
                language=form.cleaned_data["language"],
            )
        return render(request, "accounts/signup_done.html", {"email": email})
    return render(request, "accounts/signup.html", {"form": form})
