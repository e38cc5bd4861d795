from django.urls import path

from laurel.hooks import views

app_name = "hooks"
urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("new/", views.create, name="create"),
    path("lrs/new/", views.create_lrs, name="create_lrs"),
    path("<str:endpoint_id>/", views.detail, name="detail"),
    path("<str:endpoint_id>/rotate/", views.rotate, name="rotate"),
    path("<str:endpoint_id>/disable/", views.disable, name="disable"),
    path("<str:endpoint_id>/replay/", views.replay_range, name="replay_range"),
    path("<str:endpoint_id>/deliveries/<str:delivery_id>/", views.delivery, name="delivery"),
    path("<str:endpoint_id>/deliveries/<str:delivery_id>/replay/", views.replay, name="replay"),
]
