"""The API as laurel.api mounts it, with the sources router, until it is mounted there too.

Same authentication and problem documents as /api/v1/; only this router is on it.
"""

from django.urls import path
from ninja import NinjaAPI

from laurel.api import errors
from laurel.api.auth import BearerToken
from laurel.ingest.api import router

api = NinjaAPI(urls_namespace="ingest_api_test", auth=BearerToken())
errors.install(api)
api.add_router("", router)

urlpatterns = [path("api/v1/", api.urls)]
