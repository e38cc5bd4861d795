from django.urls import path

from laurel.pathways import learner_views

app_name = "pathways_learner"
urlpatterns = [path("", learner_views.my_pathways, name="mine")]
