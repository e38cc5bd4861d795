from django.urls import include, path

from laurel.core import views as core_views
from laurel.endorsements.public_urls import endorse_patterns

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("laurel.accounts.urls")),
    path("orgs/", include("laurel.orgs.urls")),
    path("orgs/<slug:slug>/achievements/", include("laurel.achievements.urls")),
    path("orgs/<slug:slug>/awards/", include("laurel.awards.urls")),
    path("orgs/<slug:slug>/audit/", include("laurel.audit.urls")),
    path("orgs/<slug:slug>/sources/", include("laurel.ingest.urls")),
    path("orgs/<slug:slug>/rules/", include("laurel.rules.urls")),
    path("orgs/<slug:slug>/pathways/", include("laurel.pathways.urls")),
    path("orgs/<slug:slug>/settings/webhooks/", include("laurel.hooks.urls")),
    path("orgs/<slug:slug>/endorsements/", include("laurel.endorsements.urls")),
    path("endorse/", include(endorse_patterns)),
    path("endorsements/", include("laurel.endorsements.public_urls")),
    path("progress/", include("laurel.rules.learner_urls")),
    path("e/", include("laurel.rules.evidence_urls")),
    path("wallet/", include("laurel.wallet.urls")),
    path("a/", include("laurel.awards.public_urls")),
    path("a/", include("laurel.certificates.urls")),
    path("i/", include("laurel.achievements.public_urls")),
    path("o/", include("laurel.orgs.public_urls")),
    path("p/", include("laurel.pathways.public_urls")),
    path("pathways/", include("laurel.pathways.learner_urls")),
    path("api/v1/", include("laurel.api.urls")),
    path("xapi/", include("laurel.ingest.xapi.urls")),
    path("caliper/", include("laurel.ingest.caliper.urls")),
    path("hooks/", include("laurel.ingest.webhooks.urls")),
    path("lti/", include("laurel.ingest.lti.urls")),
    path("", include("laurel.credentials.urls")),
]
