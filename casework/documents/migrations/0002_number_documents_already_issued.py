"""Number the notices of cases that existed before documents were issued and stored, in event order.

Each notice-issuing event of an existing case becomes an ``IssuedDocument`` of its issuing unit, dated the
day of the act, numbered per unit, kind and year in the order of the events (the counters continue from
there). Its ``content`` stays empty: such a document is rebuilt from its event when printed. The issuing
unit is the one that held the case when it acted (replayed from the events), the forwarding unit for a
转送告知书. Reversible: going back deletes these rows and counters (the table goes with 0001 anyway).
"""

from django.db import migrations

CODES = {"forwarding": "转字", "redirect": "告字", "acceptance": "受字", "extension": "延字",
         "handling_opinion": "处字", "review_opinion": "复查字", "rereview_opinion": "复核字"}
KIND_OF_VERB = {"forward": "forwarding", "redirect": "redirect", "accept": "acceptance",
                "approve_extension": "extension", "reply": "handling_opinion", "decide_review": "review_opinion",
                "decide_rereview": "rereview_opinion"}
MOVES = ("current_unit", "current_unit_id")  # the keys an event's ``after`` gives the unit that has the case


def forwards(apps, schema_editor):
    Event = apps.get_model("audit", "Event")
    Unit = apps.get_model("organisation", "Unit")
    IssuedDocument = apps.get_model("documents", "IssuedDocument")
    DocumentCounter = apps.get_model("documents", "DocumentCounter")
    if IssuedDocument.objects.exists():
        return  # documents are issued already: nothing to number after the fact
    names = {u.pk: (u.short_name or u.name) for u in Unit.objects.only("id", "short_name", "name")}
    holder: dict[int, int] = {}  # case id -> the unit that has it, as replayed so far
    serials: dict[tuple[int, str, int], int] = {}
    rows = []
    events = Event.objects.filter(case__isnull=False).order_by("id").only(
        "id", "case_id", "jurisdiction_id", "verb", "effective_on", "after", "data")
    for e in events.iterator(chunk_size=2000):
        kind = KIND_OF_VERB.get(e.verb)
        if kind is not None:
            unit = e.data.get("from_unit") if e.verb == "forward" else holder.get(e.case_id)
            if unit in names:
                year = e.effective_on.year
                key = (unit, kind, year)
                serials[key] = serials.get(key, 0) + 1
                rows.append(IssuedDocument(
                    jurisdiction_id=e.jurisdiction_id, unit_id=unit, kind=kind, year=year, serial=serials[key],
                    number=f"{names[unit]}{CODES[kind]}〔{year}〕{serials[key]}号", issued_on=e.effective_on,
                    case_id=e.case_id, event_id=e.pk, content=None,
                ))
        for k in MOVES:
            if (e.after or {}).get(k):
                holder[e.case_id] = e.after[k]
    IssuedDocument.objects.bulk_create(rows, batch_size=1000)
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(unit_id=u, kind=k, year=y, last=n) for (u, k, y), n in serials.items()], batch_size=1000)


def backwards(apps, schema_editor):
    apps.get_model("documents", "IssuedDocument").objects.filter(content__isnull=True).delete()
    apps.get_model("documents", "DocumentCounter").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_issued_documents"),
        ("cases", "0008_art_32_outcomes_from_replies"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
