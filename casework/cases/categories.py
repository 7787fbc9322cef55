"""The categories cases are filed under: what units declare they handle, plus what cases use."""

from casework.organisation.models import Unit

from .models import Case


def categories() -> list[str]:
    found = set()
    for line in Unit.objects.filter(is_active=True).values_list("categories", flat=True):
        found.update(c.strip() for c in line.split(",") if c.strip())
    found.update(Case.objects.exclude(category="").values_list("category", flat=True).distinct()[:500])
    return sorted(found)
