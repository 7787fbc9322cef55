"""Open311 GeoReport v2 round trips, JSON and XML, as an unchanged Open311 client would send them."""

from xml.etree import ElementTree as ET

import pytest

from casework.api.models import ApiToken
from casework.cases.models import Case
from casework.organisation.models import Unit

V2 = "/open311/v2"


@pytest.fixture
def key(world):
    Unit.objects.filter(pk=world.town_a_office.pk).update(categories="城乡建设,环境保护")
    return ApiToken.issue(world.clerk_a, "open311 app")[1]


def post(client, key, fmt="json", **fields):
    data = {"api_key": key, "service_code": "城乡建设", "first_name": "三", "last_name": "张",
            "address_string": "甲镇幸福村3组", "description": "村道损坏无人修理", "phone": "13800000000"}
    data.update(fields)
    return client.post(f"{V2}/requests.{fmt}", {k: v for k, v in data.items() if v is not None})


def test_discovery_and_services_in_both_formats(client, key):
    d = client.get(f"{V2}/discovery.json").json()
    assert d["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    services = client.get(f"{V2}/services.json").json()
    assert {"service_code": "城乡建设"}.items() <= services[0].items() or any(s["service_code"] == "城乡建设" for s in services)
    xml = ET.fromstring(client.get(f"{V2}/services.xml").content)
    assert xml.tag == "services" and xml.find("service/service_code") is not None
    definition = client.get(f"{V2}/services/城乡建设.json").json()
    assert definition["attributes"][0]["code"] == "facts_reasons"
    assert client.get(f"{V2}/services/no-such.json").status_code == 404


def test_post_then_get_round_trip_json(client, key):
    """信访工作条例 Art 19: name and address as the request gives them; the access code comes back once."""
    # when
    r = post(client, key)
    # then
    assert r.status_code == 201, r.content
    created = r.json()[0]
    number = created["service_request_id"]
    assert "查询码" in created["service_notice"]
    got = client.get(f"{V2}/requests/{number}.json").json()[0]
    assert got["status"] == "open" and got["service_code"] == "城乡建设"
    assert got["expected_datetime"].endswith("+08:00")
    assert got["description"] is None  # public reads never carry the complaint (Art 30 ¶3)
    staff = client.get(f"{V2}/requests/{number}.json", {"api_key": key}).json()[0]
    assert staff["description"] == "村道损坏无人修理"
    assert client.get(f"{V2}/tokens/{number}.json").json()[0]["service_request_id"] == number


def test_post_and_list_round_trip_xml(client, key):
    r = post(client, key, fmt="xml")
    assert r.status_code == 201
    number = ET.fromstring(r.content).find("request/service_request_id").text
    listing = ET.fromstring(client.get(f"{V2}/requests.xml", {"status": "open", "service_code": "城乡建设"}).content)
    assert listing.tag == "service_requests"
    assert number in [e.text for e in listing.findall("request/service_request_id")]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"service_code": "不存在"}, "unknown service_code"),
        ({"description": ""}, "description is required"),
        ({"lat": "north", "long": "113.0"}, "lat must be a number"),
        ({"lat": "28.2"}, "long must be a number"),
        ({"lat": "95", "long": "113.0"}, "lat must be between -90 and 90"),
    ],
)
def test_bad_posts_are_400_with_open311_errors_and_write_nothing(client, key, fields, message):
    r = post(client, key, **fields)
    assert r.status_code == 400
    assert any(message in e["description"] for e in r.json())
    assert Case.objects.count() == 0


def test_bad_key_dates_and_jurisdiction(client, key):
    assert post(client, "wrong").status_code == 403
    assert client.get(f"{V2}/requests.json", {"start_date": "yesterday"}).status_code == 400
    assert client.get(f"{V2}/requests.json", {"jurisdiction_id": "ZZ"}).status_code == 404
    xml_err = ET.fromstring(client.get(f"{V2}/requests.xml", {"status": "maybe"}).content)
    assert xml_err.tag == "errors" and xml_err.find("error/code").text == "400"
    assert Case.objects.count() == 0


def test_jurisdiction_filter_and_closed_status(client, key, world):
    number = post(client, key).json()[0]["service_request_id"]
    inside = client.get(f"{V2}/requests.json", {"jurisdiction_id": world.town_a.code}).json()
    elsewhere = client.get(f"{V2}/requests.json", {"jurisdiction_id": world.town_b.code}).json()
    closed = client.get(f"{V2}/requests.json", {"status": "closed"}).json()
    assert [r["service_request_id"] for r in inside] == [number]
    assert elsewhere == [] and closed == []


def test_a_post_with_lat_long_and_no_address_string_is_registered_xinfang_art_22_23(client, key):
    """Art 22 ¶1 registers every matter; without an address only the written notice lapses (Art 23 ¶2).
    The location the client gives as lat/long is kept with the facts."""
    # when
    r = post(client, key, address_string=None, lat="28.2282", long="112.9388")
    # then
    assert r.status_code == 201, r.content.decode()
    case = Case.objects.get(number=r.json()[0]["service_request_id"])
    assert (case.state, case.due_on, case.due_rule) == ("registered", None, "")
    assert "纬度 28.2282，经度 112.9388" in case.facts_reasons
    assert case.parties.get().person.address == ""


def test_a_post_without_the_requesters_name_is_registered_xinfang_art_22(client, key):
    r = post(client, key, first_name=None, last_name=None)
    assert r.status_code == 201, r.content.decode()
    assert Case.objects.get().parties.get().person.name == ""


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_over_long_description_is_refused_with_the_limit_never_cut_short(client, key, fmt):
    from casework import limits

    text = "长" * (limits.REQUEST.max_length + 1)
    r = post(client, key, fmt=fmt, description=text)
    assert r.status_code == 400
    message = f"投诉请求不得超过 {limits.REQUEST.max_length} 字（现有 {len(text)} 字）"
    if fmt == "json":
        assert r.json() == [{"code": 400, "description": message}]
    else:
        assert ET.fromstring(r.content).find("error/description").text == message
    assert Case.objects.count() == 0
