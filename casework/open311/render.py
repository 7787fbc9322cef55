"""Open311 GeoReport v2 output: the same data as JSON or XML, as the spec lays them out."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from django.http import HttpResponse, JsonResponse

# The element name of one item inside each list document.
ITEM = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
        "formats": "format", "attributes": "attribute", "values": "value"}


def respond(fmt: str, root: str, payload, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        el = _element(root, payload)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(el, encoding="utf-8", xml_declaration=False)
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(payload, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def errors(fmt: str, status: int, *messages: str) -> HttpResponse:
    return respond(fmt, "errors", [{"code": status, "description": m} for m in messages], status)


def _element(name: str, value) -> ET.Element:
    el = ET.Element(name)
    if isinstance(value, list):
        child = ITEM.get(name, "item")
        for v in value:
            el.append(_element(child, v))
    elif isinstance(value, dict):
        for k, v in value.items():
            el.append(_element(k, v))
    elif value is None:
        pass
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    else:
        el.text = str(value)
    return el
