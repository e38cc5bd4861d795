from django.urls import path

from laurel.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("new/", views.create, name="create"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/rotate/", views.rotate, name="rotate"),
    path("<str:public_id>/deactivate/", views.deactivate, name="deactivate"),
    path("<str:public_id>/match/", views.match, name="match"),
    path("<str:public_id>/platform/", views.platform, name="platform"),
    path("<str:public_id>/platform/remove/", views.unregister_platform, name="remove_platform"),
    path("<str:public_id>/identities/<int:identity_id>/link/", views.link, name="link"),
    path("<str:public_id>/imports/", views.upload, name="upload"),
    path("<str:public_id>/imports/<str:batch_id>/", views.batch, name="batch"),
]
