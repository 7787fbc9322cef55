"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) over Casework's cases.

services = categories; a service request = a case; service_request_id = the
case number. Deliberate limits, because a 信访 complaint is not a pothole:
- The api_key goes in an ``X-API-Key`` header or the POST body (the query form works too, but URLs end up
  in logs). GET requests without an api_key shows only cases filed through Open311,
  and never their description or address (Art 30 ¶3, PIPL Art 6). With an
  api_key it shows what that staff user may see, through the same scope as
  the UI and the API.
- POST requests need an api_key of an intake clerk. The requester's name and
  address (信访工作条例 Art 19) are asked for but not required: a matter without
  them is registered and only the written notice lapses (Art 22 ¶1, 23 ¶2); a
  location given as lat/long is kept with the facts. The access code for
  following the case is given once, in service_notice. A text over its limit
  (casework/limits.py) is refused with the limit named, never cut short. Files
  sent with it (multipart, e.g. as ``media``) are attachments, checked as every
  upload is (cases/uploads.py); a ``media_url`` is not fetched.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

from django.db.models import Max
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from casework.api.auth import TokenAuth
from casework.cases import actions as A
from casework.cases.access import cases_visible_to, withheld_case_ids
from casework.cases.categories import categories
from casework.cases.errors import CaseworkError
from casework.cases.models import Case
from casework.organisation.models import Jurisdiction, Unit
from casework.rules.lifecycle import OPEN, Role

from .render import errors, respond

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000
OPEN311_CHANNEL = "api"
OPEN_STATES = [s.value for s in OPEN]


def refuse_nul(view):
    """A NUL character anywhere in the request is a 400: PostgreSQL can neither store nor compare it."""

    @functools.wraps(view)
    def wrapped(request, **kwargs):
        values = [*kwargs.values(), *(v for _, vs in request.GET.lists() for v in vs)]
        if request.method == "POST":
            values += [v for _, vs in request.POST.lists() for v in vs]
        if any("\x00" in v for v in values if isinstance(v, str)):
            return errors(kwargs.get("fmt", "json"), 400, "请求中含有 NUL（\\u0000）字符")
        return view(request, **kwargs)

    return wrapped


API_KEY_HEADER = "HTTP_X_API_KEY"


def _api_key(request) -> str:
    """The api_key from the ``X-API-Key`` header, the POST body, or (GeoReport v2's query form, still
    accepted) the query string. The header or the body keep it out of URLs, and so out of access logs,
    proxies' logs and browser histories; serve-production.sh logs paths without their query strings."""
    return (request.META.get(API_KEY_HEADER) or (request.POST.get("api_key") if request.method == "POST" else "")
            or request.GET.get("api_key") or "")


def _user(request):
    key = _api_key(request)
    return TokenAuth().authenticate(request, key) if key else None


@refuse_nul
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    return respond(fmt, "discovery", {
        "changeset": "2026-11-30T00:00:00+08:00",
        "contact": "本级信访工作机构",
        "key_service": "向本级信访工作机构申请接口令牌（manage.py create_api_token）",
        "endpoints": [{
            "specification": SPEC, "url": base, "changeset": "2026-11-30T00:00:00+08:00", "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


def _jurisdiction(request, fmt):
    code = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if not code:
        return None, None
    j = Jurisdiction.objects.filter(code=code).first()
    if j is None:
        return None, errors(fmt, 404, f"unknown jurisdiction_id: {code}")
    return j, None


@refuse_nul
def services(request, fmt):
    j, err = _jurisdiction(request, fmt)
    if err:
        return err
    names = categories()
    return respond(fmt, "services", [
        {"service_code": name, "service_name": name, "description": f"{name}类信访事项", "metadata": True,
         "type": "batch", "keywords": name, "group": "信访"}
        for name in names
    ])


@refuse_nul
def service_definition(request, code, fmt):
    if code not in categories():
        return errors(fmt, 404, f"unknown service_code: {code}")
    return respond(fmt, "service_definition", {
        "service_code": code,
        "attributes": [{
            "variable": True, "code": "facts_reasons", "datatype": "text", "required": False,
            "datatype_description": "事实和理由", "order": 1,
            "description": "事实和理由（信访工作条例第19条）。不填时以 description 为准。",
        }, {
            "variable": True, "code": "respondent_unit_ids", "datatype": "string", "required": False,
            "datatype_description": "被投诉单位的编号，以逗号分隔", "order": 2,
            "description": "投诉、检举的单位（信访工作条例第30条第3款：不向其透露信访人及材料）。",
        }, {
            "variable": True, "code": "respondent_text", "datatype": "string", "required": False,
            "datatype_description": "被投诉人员", "order": 3,
            "description": "投诉、检举的人员（姓名、职务）。",
        }],
    })


@csrf_exempt
@require_http_methods(["GET", "POST"])
@refuse_nul
def requests(request, fmt):
    return _post_request(request, fmt) if request.method == "POST" else _list_requests(request, fmt)


def _post_request(request, fmt):
    user = _user(request)
    if user is None:
        return errors(fmt, 403, "api_key is missing or invalid")
    p = request.POST
    problems = []
    code = p.get("service_code", "")
    if not code:
        problems.append("service_code is required")
    elif code not in categories():
        problems.append(f"unknown service_code: {code}")
    # Name and address may be missing: the matter is registered all the same and only the written
    # notice lapses (信访工作条例 Art 22 ¶1, 23 ¶2); a location given by lat/long is kept with the facts.
    name = f"{p.get('last_name', '').strip()}{p.get('first_name', '').strip()}"
    address = p.get("address_string", "").strip()
    description = p.get("description", "").strip()
    if not description:
        problems.append("description is required (投诉请求)")
    location = _location(p, problems)
    # Art 30 ¶3: the units the matter is about (ids, comma-separated) and the people it names (text)
    try:
        respondents = [int(x) for x in p.get("attribute[respondent_unit_ids]", "").split(",") if x.strip()]
    except ValueError:
        respondents = []
        problems.append("attribute[respondent_unit_ids] must be unit ids separated by commas")
    j, err = _jurisdiction(request, fmt)
    if err:
        return err
    if problems:
        return errors(fmt, 400, *problems)
    unit = _receiving_unit(user, j)
    if unit is None:
        return errors(fmt, 403, "this api_key may not register cases" + (f" in {j.code}" if j else ""))
    from casework.api.idempotency import idempotent

    facts = p.get("attribute[facts_reasons]", "").strip() or description
    if location:
        facts = f"{facts}\n{location}"

    def run():
        r = A.case_register(
            user, unit_id=unit.pk, channel=OPEN311_CHANNEL, category=code,
            complainants=[A.PersonData(name=name, address=address, phone=p.get("phone", ""))],
            request=description, facts_reasons=facts,
            attachments=[f for _, files in request.FILES.lists() for f in files],
            respondent_unit_ids=respondents, respondent_text=p.get("attribute[respondent_text]", ""),
        )
        return 201, [{
            "service_request_id": r.case.number,
            "service_notice": f"已登记。请保存查询码 {r.access_code}，凭案件编号和查询码查询办理进度。",
            "account_id": None,
        }]

    request.auth = user
    try:
        status = idempotent(request, run)
    except CaseworkError as e:
        return errors(fmt, e.status if e.status != 422 else 400, e.message)
    return respond(fmt, "service_requests", status.value, status.status_code)


def _location(p, problems: list[str]) -> str:
    """Where the matter is, from lat/long (WGS84 degrees), as a line of its facts; "" when not given."""
    given = [(name, p.get(name, "").strip(), bound) for name, bound in (("lat", 90), ("long", 180))]
    if not any(value for _, value, _ in given):
        return ""
    ok = True
    for name, value, bound in given:
        try:
            number = float(value)
        except ValueError:
            problems.append(f"{name} must be a number (lat and long are given together)")
            ok = False
            continue
        if not (math.isfinite(number) and abs(number) <= bound):
            problems.append(f"{name} must be between -{bound} and {bound}")
            ok = False
    return f"位置（Open311 坐标）：纬度 {given[0][1]}，经度 {given[1][1]}" if ok else ""


def _receiving_unit(user, j: Jurisdiction | None) -> Unit | None:
    units = Unit.objects.filter(
        memberships__user=user, memberships__role=Role.INTAKE_CLERK, is_active=True
    ).select_related("jurisdiction").order_by("pk")
    if j is not None:
        units = units.filter(jurisdiction=j)
    return units.first()


def _w3c(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _expected(case: Case) -> str | None:
    if not case.due_on or case.state not in OPEN_STATES:
        return None
    end = dt.datetime.combine(case.due_on, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    return end.isoformat(timespec="seconds")


def _parse_w3c(value: str, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} must be a w3c datetime like 2026-11-30T08:00:00+08:00") from None
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


def _list_requests(request, fmt, number: str | None = None):
    user = _user(request)
    if _api_key(request) and user is None:
        return errors(fmt, 403, "api_key is invalid")
    qs = cases_visible_to(user) if user else Case.objects.filter(channel=OPEN311_CHANNEL)
    q = request.GET
    try:
        if number is not None:
            qs = qs.filter(number=number)
        else:
            if q.get("service_request_id"):
                qs = qs.filter(number__in=[n.strip() for n in q["service_request_id"].split(",")][:MAX_RESULTS])
            if q.get("service_code"):
                qs = qs.filter(category__in=q["service_code"].split(","))
            start = _parse_w3c(q["start_date"], "start_date") if q.get("start_date") else None
            end = _parse_w3c(q["end_date"], "end_date") if q.get("end_date") else None
            if start and end and end < start:
                return errors(fmt, 400, "end_date is before start_date")
            if not q.get("service_request_id"):
                # The spec's default window: the last 90 days.
                start = start or (end or timezone.now()) - dt.timedelta(days=90)
            if start:
                qs = qs.filter(created_at__gte=start)
            if end:
                qs = qs.filter(created_at__lte=end)
            if q.get("status"):
                wanted = {s.strip() for s in q["status"].split(",")}
                if not wanted <= {"open", "closed"}:
                    return errors(fmt, 400, "status must be open or closed")
                if wanted == {"open"}:
                    qs = qs.filter(state__in=OPEN_STATES)
                elif wanted == {"closed"}:
                    qs = qs.exclude(state__in=OPEN_STATES)
        if q.get("jurisdiction_id"):
            qs = qs.filter(jurisdiction__path__startswith=_path(q["jurisdiction_id"]))
    except ValueError as e:
        return errors(fmt, 400, str(e))
    except LookupError as e:
        return errors(fmt, 404, str(e))
    cases = list(
        qs.select_related("current_unit").annotate(updated_at=Max("events__at")).order_by("-created_at")[:MAX_RESULTS]
    )
    if number is not None and not cases:
        return errors(fmt, 404, f"no service request {number}")
    shown = set() if user is None else {c.pk for c in cases} - withheld_case_ids(user, [c.pk for c in cases])
    return respond(fmt, "service_requests", [_request_out(c, c.pk in shown) for c in cases])


def _path(code: str) -> str:
    j = Jurisdiction.objects.filter(code=code).first()
    if j is None:
        raise LookupError(f"unknown jurisdiction_id: {code}")
    return j.path


def _request_out(c: Case, show_content: bool) -> dict:
    return {
        "service_request_id": c.number,
        "status": "open" if c.state in OPEN_STATES else "closed",
        "status_notes": c.state_label,
        "service_name": c.category,
        "service_code": c.category,
        "description": c.request if show_content else None,
        "agency_responsible": c.current_unit.name,
        "service_notice": None,
        "requested_datetime": _w3c(c.created_at),
        "updated_datetime": _w3c(c.updated_at),
        "expected_datetime": _expected(c),
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


@refuse_nul
def request_detail(request, number, fmt):
    return _list_requests(request, fmt, number=number)


@refuse_nul
def token(request, token, fmt):
    # Requests are registered synchronously: the token handed out is the case number itself.
    found = Case.objects.filter(number=token, channel=OPEN311_CHANNEL).exists()
    if not found:
        return errors(fmt, 404, f"no request for token {token}")
    return respond(fmt, "service_requests", [{"service_request_id": token, "token": token}])


