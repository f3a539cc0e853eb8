"""`{{ text|lang_attr }}`: a lang="zh" or lang="ru" attribute for a title or snippet written in that script.

The pages are English; a point saved from a Chinese or Russian original keeps that language in
its title and quote. Deciding by script costs nothing per row (no query, no model), which is what a
list of titles needs; the quotes themselves carry their rendering's recorded language.
"""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def script_language(text: str) -> str:
    """"zh" or "ru" when those letters outnumber Latin ones in `text`, else ""."""
    text = str(text or "")
    latin = len(_LATIN.findall(text))
    for code, letters in (("zh", _HAN), ("ru", _CYRILLIC)):
        if len(letters.findall(text)) * (3 if code == "zh" else 1) > latin:
            return code
    return ""


@register.filter
def lang_attr(text) -> SafeString:
    code = script_language(text)
    return format_html(' lang="{}"', code) if code else SafeString("")
