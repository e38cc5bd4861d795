from django.urls import path

from laurel.awards import public_views

app_name = "awards_public"
urlpatterns = [
    path("<str:public_id>/", public_views.award_page, name="award"),
    path("<str:public_id>/verify", public_views.verify_award, name="verify"),
    path("<str:public_id>/credential.<str:fmt>", public_views.download, name="download"),
]
