"""Pickers for units and people: grouped by jurisdiction (units) or unit (people), searchable in the page
(the vendored Tom Select, ``static/web/vendor/tom-select``), showing names, never login names.

A unit picker offers the units its action accepts (``cases.targets``) and, should a posted unit be one the
action refuses, says why in the action's own words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext, gettext_lazy as _

from casework.organisation.models import Jurisdiction, Membership, Unit
from casework.organisation.names import person_name

SEARCHABLE = {"data-picker": "search"}
PROMPT = _("请选择，或输入名称查找")


def _path_key(path: str) -> tuple[int, ...]:
    """A materialised path in tree order ("/1/9/" before "/1/10/")."""
    return tuple(int(p) for p in (path or "").strip("/").split("/") if p)


def jurisdiction_labels(jurisdiction_ids: Iterable[int]) -> dict[int, str]:
    """Each jurisdiction as its chain of names below the top level: 「A市 · A1区 · 东风街道」."""
    ids = set(jurisdiction_ids)
    rows = {j.pk: j for j in Jurisdiction.objects.filter(pk__in=ids)}
    ancestors = {int(p) for j in rows.values() for p in j.path.strip("/").split("/") if p}
    names = dict(Jurisdiction.objects.filter(pk__in=ancestors).values_list("pk", "name"))
    out = {}
    for pk, j in rows.items():
        chain = [names.get(int(p), "") for p in j.path.strip("/").split("/") if p]
        out[pk] = " · ".join(chain[1:] or chain)
    return out


class _GroupedIterator(forms.models.ModelChoiceIterator):
    """Choices as optgroups, (group label, [(value, label), ...]), as the field's ``grouped`` orders them."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for label, objects in self.field.grouped(list(self.queryset)):
            yield (label, [self.choice(obj) for obj in objects])


class _UnitMixin:
    iterator = _GroupedIterator

    def __init__(self, *args, refusal: Callable[[Unit], str | None] | None = None, **kwargs):
        kwargs.setdefault("queryset", Unit.objects.filter(is_active=True))
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        self.widget.attrs.update(SEARCHABLE)

    def grouped(self, units: list[Unit]) -> list[tuple[str, list[Unit]]]:
        """By jurisdiction, top of the tree first, each jurisdiction's units by name."""
        paths = dict(Jurisdiction.objects.filter(pk__in={u.jurisdiction_id for u in units}).values_list("pk", "path"))
        names = jurisdiction_labels(paths)
        groups: dict[int, list[Unit]] = {}
        for u in sorted(units, key=lambda u: (_path_key(paths.get(u.jurisdiction_id, "")), u.name, u.pk)):
            groups.setdefault(u.jurisdiction_id, []).append(u)
        return [(names.get(j, ""), members) for j, members in groups.items()]

    def offer(self, units: Iterable[Unit]) -> None:
        """Offer exactly these units (in jurisdiction order)."""
        self.queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).select_related("jurisdiction").order_by(
            "jurisdiction__path", "name")

    def _refused(self, value):
        """The action's own reason for refusing a unit not offered, when it has one."""
        if self.refusal is not None:
            try:
                unit = Unit.objects.select_related("jurisdiction").get(pk=int(value))
            except (Unit.DoesNotExist, TypeError, ValueError):
                return None
            return self.refusal(unit)
        return None


class UnitChoiceField(_UnitMixin, forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", PROMPT)
        super().__init__(*args, **kwargs)
    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            reason = self._refused(value)
            if reason:
                raise forms.ValidationError(reason, code="invalid_choice") from None
            raise


class UnitMultipleChoiceField(_UnitMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except forms.ValidationError:
            for v in value:
                reason = self._refused(v)
                if reason and not self.queryset.filter(pk=v).exists():
                    raise forms.ValidationError(reason, code="invalid_choice") from None
            raise


class PersonChoiceField(forms.ModelChoiceField):
    """Staff holding ``role``, grouped by the unit where they hold it, each as 「郑军（A1区住房和城乡建设局）」."""

    iterator = _GroupedIterator

    def __init__(self, *, role: str, units=None, **kwargs):
        self.role = role
        kwargs.setdefault("empty_label", PROMPT)
        super().__init__(queryset=get_user_model().objects.none(), **kwargs)
        self.widget.attrs.update(SEARCHABLE)
        self.offer(units)

    def offer(self, units=None) -> None:
        """The holders of the role in these units (all units when None). Nothing is read until the choices are."""
        memberships = Membership.objects.filter(role=self.role, unit__is_active=True, user__is_active=True)
        if units is not None:
            memberships = memberships.filter(unit__in=[getattr(u, "pk", u) for u in units])
        self._memberships, self._units = memberships, None
        self.queryset = get_user_model().objects.filter(pk__in=memberships.values("user_id"))

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._units = None  # each form reads the memberships afresh
        return result

    def units_of(self, user) -> list[Unit]:
        if self._units is None:
            self._units = {}
            for m in self._memberships.select_related("unit__jurisdiction").order_by("unit__jurisdiction__path",
                                                                                     "unit__name", "unit_id"):
                self._units.setdefault(m.user_id, []).append(m.unit)
        return self._units.get(user.pk, [])

    def label_from_instance(self, user) -> str:
        units = gettext("、").join(u.name for u in self.units_of(user))
        if not units:
            return person_name(user)
        return gettext("%(name)s（%(units)s）") % {"name": person_name(user), "units": units}

    def grouped(self, users) -> list[tuple[str, list]]:
        """By the (first) unit where they hold the role, units in jurisdiction order, people by name."""
        order: dict[int, tuple] = {}
        groups: dict[int, list] = {}
        for user in users:
            units = self.units_of(user)
            unit = units[0] if units else None
            key = unit.pk if unit else 0
            order[key] = (_path_key(unit.jurisdiction.path), unit.name) if unit else ((), "")
            groups.setdefault(key, []).append(user)
        names = {u.pk: u.name for us in (self.units_of(x) for x in users) for u in us}
        return [(names.get(k, ""), sorted(groups[k], key=lambda p: (person_name(p), p.pk)))
                for k in sorted(groups, key=lambda k: order[k])]



class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Staff members (any role), each as 「郑军（A1区住房和城乡建设局）」: who a complaint names (Art 30 ¶3)."""

    def __init__(self, **kwargs):
        members = Membership.objects.filter(user__is_active=True).values("user_id")
        super().__init__(queryset=get_user_model().objects.filter(pk__in=members).order_by("last_name", "first_name"),
                         **kwargs)
        self.widget.attrs.update(SEARCHABLE)

    def label_from_instance(self, user) -> str:
        units = "、".join(m.unit.name for m in user.memberships.select_related("unit")[:2])
        return gettext("%(name)s（%(unit)s）") % {"name": person_name(user), "unit": units} if units else person_name(user)
