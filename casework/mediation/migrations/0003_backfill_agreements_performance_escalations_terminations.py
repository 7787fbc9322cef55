"""Existing disputes keep their history in the new rows.

Agreements made before drafts existed were effective when recorded (a written one needed its signatures), at the
unit and level that settled the dispute. An agreement's ``performed`` flag becomes one performance check. The
escalations and endings that only events recorded become rows, replayed from the events in order; whether the
parties consented, or were told their other routes, was not recorded then, so those rows say no
(``consent``/``routes_told`` False) rather than guess. Reversible: going back restores ``performed`` from the latest
check and drops the rows made here.
"""

from django.db import migrations


def forward(apps, schema_editor):
    Agreement = apps.get_model("mediation", "Agreement")
    Dispute = apps.get_model("mediation", "Dispute")
    DisputeParty = apps.get_model("mediation", "DisputeParty")
    Escalation = apps.get_model("mediation", "Escalation")
    Termination = apps.get_model("mediation", "Termination")
    PerformanceCheck = apps.get_model("mediation", "PerformanceCheck")
    Event = apps.get_model("audit", "Event")

    for a in Agreement.objects.select_related("dispute"):
        d = a.dispute
        a.unit_id = d.unit_id
        a.level = d.settled_level or d.level
        a.drafted_on = a.effective_on
        a.mediator_id = d.mediator_id
        a.status = "effective"
        a.mediator_signed = a.sealed = a.form == "written"
        a.save(update_fields=["unit", "level", "drafted_on", "mediator", "status", "mediator_signed", "sealed"])
        if a.performed is not None:
            checked = (Event.objects.filter(dispute_id=d.pk, verb="record_performance").order_by("-id")
                       .values_list("effective_on", flat=True).first())
            PerformanceCheck.objects.create(
                dispute_id=d.pk, jurisdiction_id=d.jurisdiction_id, agreement=a, checked_on=checked or a.effective_on,
                result="performed" if a.performed else "court", note=a.performance_note,
            )

    for d in Dispute.objects.filter(pk__in=Event.objects.filter(verb__in=["escalate", "fail", "end_by_party"])
                                    .values("dispute_id")):
        unit, level = d.registered_by_id, None
        for e in Event.objects.filter(dispute_id=d.pk).order_by("id"):
            if e.verb == "register":
                unit, level = e.after.get("unit", unit), e.after.get("level", level)
            elif e.verb == "escalate":
                to_unit, to_level = e.after.get("unit_id") or e.data.get("to_unit"), e.after.get("level") or level
                Escalation.objects.create(
                    dispute_id=d.pk, jurisdiction_id=d.jurisdiction_id, escalated_on=e.effective_on,
                    from_unit_id=e.data.get("from_unit") or unit, to_unit_id=to_unit, from_level=level or d.level,
                    to_level=to_level, reason=e.data.get("reason", ""), consent=False,
                )
                unit, level = to_unit, to_level
            elif e.verb in ("fail", "end_by_party"):
                name = (e.data.get("party") or "").strip()
                party = DisputeParty.objects.filter(dispute_id=d.pk, person__name=name).first() if name else None
                Termination.objects.create(
                    dispute_id=d.pk, jurisdiction_id=d.jurisdiction_id, unit_id=unit, level=level or d.level,
                    kind="failed" if e.verb == "fail" else "refused", ended_on=e.effective_on, party=party,
                    reason=e.data.get("reason", ""), routes_told=False,
                )


def backward(apps, schema_editor):
    Agreement = apps.get_model("mediation", "Agreement")
    PerformanceCheck = apps.get_model("mediation", "PerformanceCheck")
    for a in Agreement.objects.all():
        last = PerformanceCheck.objects.filter(agreement=a).order_by("-checked_on", "-id").first()
        if last is not None and last.result != "in_progress":
            a.performed, a.performance_note = last.result == "performed", last.note
            a.save(update_fields=["performed", "performance_note"])
    PerformanceCheck.objects.all().delete()
    apps.get_model("mediation", "Escalation").objects.all().delete()
    apps.get_model("mediation", "Termination").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("mediation", "0002_agreement_drafts_signatures_escalations_terminations"),
        ("audit", "0004_event_fk_indexes_covered"),
    ]

    operations = [migrations.RunPython(forward, backward)]
