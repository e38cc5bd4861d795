from django.urls import path

from laurel.awards import views

app_name = "awards"
urlpatterns = [
    path("", views.history, name="history"),
    path("new/", views.new, name="new"),
    path("bulk/", views.bulk, name="bulk"),
    path("bulk/<str:public_id>/", views.batch, name="batch"),
    path("bulk/<str:public_id>/progress/", views.batch_progress, name="batch_progress"),
    path("export.csv", views.export, name="export"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/status/", views.change_status, name="change_status"),
]
