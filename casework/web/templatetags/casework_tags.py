from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def person_name(user, empty="未指定"):
    """A staff member's full name, else their username; ``empty`` when there is nobody."""
    if user is None:
        return empty
    return user.get_full_name() or user.username
