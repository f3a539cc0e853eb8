"""{% inbox_new as n %}: how many watched documents wait in the staff inbox, for the admin index."""

from django import template

from commitments.watch.selectors import inbox_new_count

register = template.Library()


@register.simple_tag
def inbox_new() -> int:
    return inbox_new_count()
