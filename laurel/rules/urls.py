from django.urls import path

from laurel.rules import builder_views, evidence_views, views

app_name = "rules"
urlpatterns = [
    path("", views.rule_list, name="list"),
    path("reviews/", evidence_views.review_queue, name="reviews"),
    path("reviews/<str:state_id>/", evidence_views.review_state, name="review"),
    path("<uuid:public_id>/", views.badge_rules, name="badge"),
    path("<uuid:public_id>/build/", builder_views.build, name="build"),
    path("<uuid:public_id>/<int:number>/live/", views.go_live, name="live"),
    path("<uuid:public_id>/<int:number>/dry-run/", views.dry_run_page, name="dry_run"),
]
