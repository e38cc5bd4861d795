from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from laurel.accounts import actions
from laurel.accounts.decorators import signed_in
from laurel.accounts.forms import ProfileForm
from laurel.accounts.models import User
from laurel.accounts.two_factor import confirmed_totp
from laurel.accounts.views.common import set_language_cookie
from laurel.core.actor import Actor


@signed_in
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    initial = {"name": user.name, "language": user.language}
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        actions.update_profile(
            Actor.from_request(request), user, name=form.cleaned_data["name"], language=language
        )
        translation.activate(language)
        messages.success(request, _("Your profile is saved."))
        return set_language_cookie(redirect("accounts:profile"), language)
    context = {"form": form, "two_factor_on": confirmed_totp(user) is not None}
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)
