from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from laurel.accounts import limits
from laurel.accounts import two_factor as tf
from laurel.accounts.forms import CodeForm, SetupCodeForm
from laurel.accounts.models import User
from laurel.accounts.redirects import safe_next
from laurel.core.actor import Actor

TOO_MANY = gettext_noop("Too many attempts. Wait 15 minutes and try again.")


def _allowed(user: User) -> bool:
    return limits.allow("two-factor", str(user.pk), limits.TWO_FACTOR_PER_USER)


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    next_url = safe_next(request, reverse("home"))
    device = tf.confirmed_totp(user)
    if device is None:
        return _setup(request, user, next_url)
    if user.is_verified():  # type: ignore[attr-defined]
        if "next" in request.GET or "next" in request.POST:
            return redirect(next_url)
        return render(request, "accounts/two_factor_status.html", {"owner": tf.owns_an_org(user)})
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not _allowed(user):
            form.add_error(None, _(TOO_MANY))
            status = 429
        elif wait := tf.wait_seconds(user):
            form.add_error(
                "code",
                ngettext(
                    "Too many wrong codes. Wait %(n)d second, then enter the current code.",
                    "Too many wrong codes. Wait %(n)d seconds, then enter the current code.",
                    wait,
                )
                % {"n": wait},
            )
            status = 429
        else:
            matched = tf.verify_code(user, form.cleaned_data["code"])
            if matched is not None:
                otp_login(request, matched)
                return redirect(next_url)
            form.add_error(
                "code", _("That code is not right. Check the time on your phone, or use a backup code.")
            )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url}, status=status)


def _setup(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    device = tf.pending_totp(user)
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not _allowed(user):
            form.add_error(None, _(TOO_MANY))
            status = 429
        else:
            codes = tf.enable(request, device, form.cleaned_data["code"])
            if codes is not None:
                return render(
                    request, "accounts/two_factor_backup_codes.html", {"codes": codes, "next": next_url}
                )
            form.add_error(
                "code", _("That code is not right. Check that the time on your phone is set automatically.")
            )
    return render(
        request, "accounts/two_factor_setup.html", _setup_context(device, form, next_url), status=status
    )


def _setup_context(device: TOTPDevice, form: SetupCodeForm, next_url: str) -> dict[str, object]:
    uri = tf.otpauth_uri(device)
    secret = tf.secret_base32(device)
    return {
        "form": form,
        "next": next_url,
        "otpauth_uri": uri,
        # segno writes the SVG from the URI alone; nothing user-controlled is unescaped.
        "qr_svg": mark_safe(tf.qr_svg(uri, _("QR code for your authenticator app"))),  # noqa: S308
        "secret": secret,
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }


@never_cache
@login_required
@require_POST
def backup_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if tf.confirmed_totp(user) is None or not user.is_verified():  # type: ignore[attr-defined]
        return redirect("accounts:two_factor")
    codes = tf.regenerate_backup_codes(Actor.from_request(request), user)
    return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes, "next": reverse("home")})


@never_cache
@login_required
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if tf.confirmed_totp(user) is None:
        return redirect("accounts:two_factor")
    if tf.owns_an_org(user):
        status = 403 if request.method == "POST" else 200
        return render(request, "accounts/two_factor_disable.html", {"owner": True}, status=status)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not _allowed(user):
            form.add_error(None, _(TOO_MANY))
            status = 429
        elif tf.verify_code(user, form.cleaned_data["code"]) is not None:
            tf.disable(Actor.from_request(request), user)
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:profile")
        else:
            form.add_error("code", _("That code is not right."))
    return render(request, "accounts/two_factor_disable.html", {"form": form, "owner": False}, status=status)
