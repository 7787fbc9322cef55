from django import template
from django.utils.translation import gettext, to_locale

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def person_name(user, empty=None):
    """A staff member's name, family name first (``organisation.names.person_name``); ``empty`` when there is nobody."""
    from casework.organisation.names import person_name as name

    if user is None:
        return gettext("未指定") if empty is None else empty
    return name(user)


@register.filter
def trans_label(value):
    """A label from the rules core or a model's choices (Chinese), in the active language.

    The rules core does not import Django; its labels are msgids listed in
    ``casework/web/i18n_labels.py``. Anything else (user data) comes back as it is.
    """
    if not value:
        return value
    return gettext(str(value))


@register.filter
def html_lang(language_code):
    """A Django language code as a BCP 47 tag for ``<html lang>``: zh-hans -> zh-Hans, en -> en."""
    return to_locale(language_code or "zh-hans").replace("_", "-")


@register.filter
def percent(value):
    """0.873 -> "87%"; nothing for a missing value. Never 100% unless all, nor 0% unless none: 299 of 300 is "99%"."""
    if value is None or value == "":
        return ""
    value = float(value)
    shown = round(value * 100)
    if 0 < value < 1:
        shown = min(max(shown, 1), 99)
    return f"{shown}%"


@register.filter
def rule_label(name):
    """The Chinese label of a statutory clock (``rules.clocks.RULES``), in the active language."""
    from casework.rules.clocks import RULES

    rule = RULES.get(name or "")
    return gettext(rule.label) if rule else ""
