from django.urls import path

from laurel.pathways import views

app_name = "pathways"
urlpatterns = [
    path("", views.pathway_list, name="list"),
    path("<slug:pathway_slug>/publish/", views.publish, name="publish"),
]
