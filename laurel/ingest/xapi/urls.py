from django.urls import URLPattern, path

from laurel.ingest.xapi import views

app_name = "xapi"

# The document resources are answered, not served: see views.documents.
DOCUMENT_RESOURCES = ["activities", "activities/state", "activities/profile", "agents", "agents/profile"]

urlpatterns: list[URLPattern] = [
    path("statements", views.statements, name="statements"),
    path("about", views.about, name="about"),
    *[path(route, views.documents, name=route.replace("/", "-")) for route in DOCUMENT_RESOURCES],
]
