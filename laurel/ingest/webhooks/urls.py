from django.urls import path

from laurel.ingest.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("<str:public_id>/", views.receive, name="receive"),
]
