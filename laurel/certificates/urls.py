from django.urls import path

from laurel.certificates import views

app_name = "certificates"
urlpatterns = [
    path("<str:public_id>/certificate.pdf", views.certificate, name="pdf"),
]
