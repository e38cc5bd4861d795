from django.urls import path

from laurel.api.api import api

urlpatterns = [path("", api.urls)]
