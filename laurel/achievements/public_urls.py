from django.urls import path, re_path

from laurel.achievements import public_views as views

app_name = "achievements_public"
urlpatterns = [
    re_path(r"^image/(?P<sha256>[0-9a-f]{64})\.(?P<ext>svg|png)$", views.image_by_hash, name="image"),
    path("<uuid:public_id>/", views.achievement_page, name="achievement"),
    path("<uuid:public_id>/image", views.current_image, name="current_image"),
    path("<uuid:public_id>/v/<int:number>/", views.version_page, name="version"),
    path("<uuid:public_id>/v/<int:number>/image.<str:ext>", views.version_image, name="version_image"),
]
