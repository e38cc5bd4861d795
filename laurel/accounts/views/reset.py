import dataclasses

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from laurel.accounts import actions, limits
from laurel.accounts.forms import PasswordResetForm
from laurel.accounts.views.signin import after_sign_in
from laurel.core.actor import Actor


@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not limits.allow("reset-ip", limits.client_ip(request), limits.RESET_PER_IP):
            form.add_error(None, _("Too many requests from your network. Wait an hour and try again."))
            return render(request, "accounts/password_reset.html", {"form": form}, status=429)
        # The same page follows whether or not the address has an account, and
        # whether or not its own limit was reached, so nothing can be learned here.
        if limits.allow("reset-email", email, limits.RESET_PER_EMAIL):
            actions.request_password_reset(Actor.from_request(request), email)
        return render(request, "accounts/password_reset_sent.html", {"email": email})
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choose a password from an emailed link, then be signed in.

    Serves password resets, the first sign-in of new owners and invited members
    alike. Django's view moves the token into the session before showing the
    form, so it never leaks through the Referer header.
    """

    template_name = "accounts/password_set.html"
    form_class = SetPasswordForm

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[override]
        user = form.user
        actor = dataclasses.replace(Actor.from_request(self.request), user=user)
        actions.set_password(actor, user, form.cleaned_data["new_password1"], from_email_link=True)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        # Signing in changes last_login, which retires the link for good.
        auth_login(self.request, user, backend="laurel.accounts.backends.EmailBackend")
        messages.success(self.request, _("Your password is set and you are signed in."))
        return after_sign_in(user, "/")


password_set = PasswordSetView.as_view()
