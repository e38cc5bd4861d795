"""Mounted at the site root: ``/.well-known/did.json`` and ``/o/<slug>/...``."""

from django.urls import path

from laurel.credentials import views

app_name = "credentials"
urlpatterns = [
    path(".well-known/did.json", views.well_known_did_document, name="well_known_did"),
    path("o/<slug:slug>/did.json", views.org_did_document, name="did"),
    path("o/<slug:slug>/status/<str:public_id>", views.status_list_credential, name="status_list"),
]
