"""Words for link health on the public pages."""

from django import template

register = template.Library()

HEALTH_WORDS = {
    "ok": "Live", "redirected": "Live (redirected)", "moved": "Moved", "blocked": "Blocked (not dead)", "failing": "Failing",
    "gone": "Gone", "refused": "Not checkable", "unchecked": "Not checked yet",
}


@register.filter
def health_word(value: str) -> str:
    return HEALTH_WORDS.get(value, value)
