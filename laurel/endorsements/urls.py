"""Staff pages, mounted at ``/orgs/<slug>/endorsements/``."""

from django.urls import path

from laurel.endorsements import views

app_name = "endorsements"
urlpatterns = [
    path("", views.endorsements, name="list"),
    path("request/", views.request_endorsement, name="request"),
    path("<str:public_id>/withdraw/", views.withdraw, name="withdraw"),
]
