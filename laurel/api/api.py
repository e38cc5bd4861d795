from ninja import NinjaAPI

api = NinjaAPI(title="Laurel API", version="1", urls_namespace="api")
