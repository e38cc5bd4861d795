from django.urls import path

from laurel.rules import evidence_views, views

app_name = "rules_learner"
urlpatterns = [
    path("", views.my_progress, name="progress"),
    path("<str:state_id>/", evidence_views.learner_evidence, name="evidence"),
]
