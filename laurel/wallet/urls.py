from django.urls import path

from laurel.wallet import views

app_name = "wallet"
urlpatterns = [
    path("", views.wallet, name="index"),
    path("claim/<str:token>/", views.claim, name="claim"),
]
