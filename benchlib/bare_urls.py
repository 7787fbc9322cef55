"""The bare-ORM ceiling: per request one case row and one event row, no checks at all.

No authentication, no authorization, no validation beyond ``json.loads``, no case
number counter, no event chain, no clocks: what Django, the same middleware and the
same database cost for the two inserts every registration needs. ``GET`` lists the
20 newest cases, as the full stack's list does.
"""

import datetime as dt
import json
import uuid

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from casework.audit.models import Event
from casework.cases.models import Case
from casework.organisation.models import Unit

_units: dict[int, Unit] = {}


def _unit(pk: int) -> Unit:
    if pk not in _units:
        _units[pk] = Unit.objects.get(pk=pk)
    return _units[pk]


@csrf_exempt
def cases(request):
    if request.method == "GET":
        rows = list(Case.objects.order_by("-pk").values("id", "number", "state", "title", "received_on")[:20])
        return JsonResponse({"items": rows})
    body = json.loads(request.body)
    unit = _unit(int(body["unit_id"]))
    today = dt.date.today()
    with transaction.atomic():
        case = Case.objects.create(
            number=uuid.uuid4().hex[:20], access_code_digest="", jurisdiction_id=unit.jurisdiction_id,
            registered_by=unit, current_unit=unit, channel=body.get("channel", "api"),
            category=body.get("category", ""), title=body.get("title", "")[:200], request=body["request"],
            facts_reasons=body["facts_reasons"], state="registered", received_on=today, last_event_on=today,
        )
        Event.objects.create(
            jurisdiction_id=unit.jurisdiction_id, seq=case.pk, case=case, verb="register", actor_kind="staff",
            at=timezone.now(), effective_on=today, after={"state": "registered"}, data={"number": case.number},
            prev_hash="0" * 64, hash="0" * 64,
        )
    return JsonResponse({"id": case.pk, "number": case.number}, status=201)


urlpatterns = [path("bare/cases", cases)]
