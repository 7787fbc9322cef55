import json

import pytest
from django.test import Client

from casework.api.models import ApiToken


class ApiClient:
    """A test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path, body=None, *, raw: bytes | None = None, key: str | None = None):
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        data = raw if raw is not None else json.dumps(body or {}, ensure_ascii=False)
        return self.client.post(path, data=data, content_type="application/json", headers=headers)


@pytest.fixture
def api_as(world):
    def make(username: str | None) -> ApiClient:
        if username is None:
            return ApiClient(None)
        _, token = ApiToken.issue(world.users[username], "test")
        return ApiClient(token)

    return make
