"""Mounted at ``/endorsements/`` (public) and ``/endorse/`` (the emailed link)."""

from django.urls import path

from laurel.endorsements import endorse_views, public_views

app_name = "endorsements_public"
urlpatterns = [
    path("<str:public_id>.json", public_views.credential_json, name="json"),
    path("<str:public_id>/", public_views.page, name="page"),
    path("<str:public_id>/verify", public_views.verify_page, name="verify"),
]
endorse_patterns = (
    [path("<str:token>/", endorse_views.endorse, name="endorse")],
    "endorse",
)
