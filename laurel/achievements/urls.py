from django.urls import path

from laurel.achievements import views

app_name = "achievements"
urlpatterns = [
    path("", views.achievement_list, name="list"),
    path("new/", views.achievement_new, name="new"),
    path("design-preview/", views.design_preview, name="design_preview"),
    path("<uuid:public_id>/", views.achievement_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.achievement_edit, name="edit"),
    path("<uuid:public_id>/archive/", views.achievement_archive, name="archive"),
]
