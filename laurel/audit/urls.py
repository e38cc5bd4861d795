from django.urls import path

from laurel.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("export/", views.event_export, name="export"),
]
