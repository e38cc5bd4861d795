from django.urls import path

from laurel.ingest.caliper import views

app_name = "caliper"

urlpatterns = [
    path("events", views.events, name="events"),
]
