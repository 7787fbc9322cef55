"""While DEBUG is on (``make run``): how far the demo's loading has come, and the demo logins for the login page.

Both are lazy: a page that does not show them costs no query.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def demo(request) -> dict:
    if not settings.DEBUG:
        return {}
    from .builder import demo_status
    from .logins import demo_logins
    from .org import DEMO_PASSWORD

    return {"demo_load": SimpleLazyObject(demo_status), "demo_logins": demo_logins, "demo_password": DEMO_PASSWORD}
