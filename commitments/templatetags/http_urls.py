"""`{{ url|http_href }}`: a stored URL as an href only when it is http(s) (see commitments.http_urls)."""

from django import template

from commitments.http_urls import is_http_url

register = template.Library()


@register.filter
def http_href(value) -> str:
    """The URL if it may be a link, else "": write `{% if url|http_href %}<a href="{{ url|http_href }}">`."""
    return value if is_http_url(value) else ""
