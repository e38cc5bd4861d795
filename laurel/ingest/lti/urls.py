from django.urls import path

from laurel.ingest.lti import views

app_name = "lti"

urlpatterns = [
    path("<str:public_id>/login", views.login, name="login"),
    path("<str:public_id>/launch", views.launch, name="launch"),
    path("<str:public_id>/jwks", views.jwks, name="jwks"),
    path("<str:public_id>/canvas.json", views.canvas_configuration, name="canvas_configuration"),
]
