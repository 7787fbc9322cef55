from ninja import NinjaAPI

from . import errors
from .auth import TokenAuth
from .insight import insight
from .v1 import reference, router

api = NinjaAPI(
    title="Casework API",
    version="1",
    description=(
        "Register and follow 信访 cases by machine. Every lifecycle action is its own endpoint; "
        "create and action endpoints accept an `Idempotency-Key` header. Errors are JSON with `code` and `message`. "
        "A token sees and does exactly what its staff user may in the web UI."
    ),
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)
errors.install(api)
api.add_router("/v1/", router)
api.add_router("/v1/", reference)
api.add_router("/v1/", insight)
