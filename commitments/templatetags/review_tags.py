"""{% review_pending as n %}: how many proposals wait, for the admin index badge."""

from django import template

from commitments.review.selectors import pending_count

register = template.Library()


@register.simple_tag
def review_pending() -> int:
    return pending_count()
