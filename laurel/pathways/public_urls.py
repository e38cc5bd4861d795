from django.urls import path

from laurel.pathways import public_views

app_name = "pathways_public"
urlpatterns = [path("<slug:org_slug>/<slug:slug>/", public_views.pathway_page, name="pathway")]
