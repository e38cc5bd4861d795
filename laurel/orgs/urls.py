from django.urls import path

from laurel.orgs import views

app_name = "orgs"
urlpatterns = [
    path("<slug:slug>/", views.dashboard, name="dashboard"),
]
