"""The JSON API (django-ninja): /api/v1/..., schema at /api/openapi.json, docs at /api/docs."""
