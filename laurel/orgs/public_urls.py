"""Mounted at ``o/``. The credentials app serves ``o/<slug>/did.json`` and ``o/<slug>/status/…``
beside these; the patterns do not overlap, so their order does not matter."""

from django.urls import path

from laurel.orgs import public_views

app_name = "orgs_public"
urlpatterns = [
    path("<slug:slug>/", public_views.profile, name="profile"),
]
