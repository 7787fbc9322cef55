from django import template
from django.utils.translation import gettext, to_locale

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def person_name(user, empty=None):
    """A staff member's full name, else their username; ``empty`` when there is nobody."""
    if user is None:
        return gettext("未指定") if empty is None else empty
    return user.get_full_name() or user.username


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
    """0.873 -> "87%"; nothing for a missing value."""
    if value is None or value == "":
        return ""
    return f"{round(float(value) * 100)}%"
