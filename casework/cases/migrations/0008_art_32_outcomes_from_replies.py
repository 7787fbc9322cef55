"""Existing cases: the reply's Art 32 outcome back on the case, ``partly`` as 解释说明, review decisions beside it.

Before, a review or re-review overwrote ``Case.outcome`` with an Art 32-style value, and replies could be
``partly`` (部分支持), which is not one of the outcomes of Art 32. The events kept everything, so this
reads them (docs/decisions/0001-art-32-outcomes.md):

- ``outcome`` = the last reply's outcome, ``partly`` read as ``explained``; ``replied_on`` from that reply
  where it was never stored;
- ``review_decision`` / ``rereview_decision`` from the last review / re-review event: not_supported →
  uphold (维持), partly → change (变更), supported → revoke (撤销).

Reversible: going back, ``outcome`` is again what the old code stored, the raw outcome of the last of the
reply, review and re-review events (``explained`` of a newer reply becomes ``partly``, the nearest old value).
"""

from django.db import migrations

OUTCOMES = {"supported": "supported", "explained": "explained", "not_supported": "not_supported",
            "partly": "explained"}
DECISIONS = {"not_supported": "uphold", "partly": "change", "supported": "revoke"}
VERBS = ("reply", "decide_review", "decide_rereview")


def _last_events(Event):
    last = {}
    for e in Event.objects.filter(case__isnull=False, verb__in=VERBS).order_by("id").only(
            "case_id", "verb", "data", "effective_on").iterator(chunk_size=2000):
        last[(e.case_id, e.verb)] = e
    return last


def forwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Event = apps.get_model("audit", "Event")
    last = _last_events(Event)
    changed = []
    for case in Case.objects.filter(pk__in={k[0] for k in last}).iterator(chunk_size=2000):
        reply = last.get((case.pk, "reply"))
        if reply is not None:
            case.outcome = OUTCOMES.get(reply.data.get("outcome", ""), "")
            case.replied_on = case.replied_on or reply.effective_on
        for verb, field in (("decide_review", "review_decision"), ("decide_rereview", "rereview_decision")):
            e = last.get((case.pk, verb))
            if e is not None:
                setattr(case, field, e.data.get("decision") or DECISIONS.get(e.data.get("outcome", ""), "uphold"))
        changed.append(case)
    Case.objects.bulk_update(changed, ["outcome", "replied_on", "review_decision", "rereview_decision"],
                             batch_size=500)


def backwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Event = apps.get_model("audit", "Event")
    last = _last_events(Event)
    changed = []
    for case in Case.objects.filter(pk__in={k[0] for k in last}).iterator(chunk_size=2000):
        events = [last[(case.pk, v)] for v in VERBS if (case.pk, v) in last]
        latest = max(events, key=lambda e: e.pk)
        reply = last.get((case.pk, "reply"))
        raw = latest.data.get("outcome") or (reply.data.get("outcome", "") if reply else "")
        case.outcome = "partly" if raw == "explained" else raw if raw in ("supported", "partly", "not_supported") else ""
        changed.append(case)
    Case.objects.bulk_update(changed, ["outcome"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_review_decisions_and_request_outcomes"),
        ("audit", "0004_event_fk_indexes_covered"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
