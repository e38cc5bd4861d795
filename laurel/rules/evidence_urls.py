from django.urls import path

from laurel.rules import evidence_views

app_name = "evidence"
urlpatterns = [path("<str:public_id>/", evidence_views.evidence_file, name="file")]
