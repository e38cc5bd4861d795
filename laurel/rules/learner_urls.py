from django.urls import path

from laurel.rules import views

app_name = "rules_learner"
urlpatterns = [path("", views.my_progress, name="progress")]
