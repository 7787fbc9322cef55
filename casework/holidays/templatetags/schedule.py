from django import template
from django.utils import timezone

from casework.holidays.selectors import schedule_gaps

register = template.Library()


@register.simple_tag
def missing_schedule_years():
    """For the admin's index: the years whose holiday schedule is missing and the clocks that wait on them."""
    return schedule_gaps(timezone.localdate())
