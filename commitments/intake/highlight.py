"""The source text with the analyst's quotes marked in it (escaped; marks never overlap)."""

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    css: str  # announcement, point, claim
    label: str
    anchor: str


def span_of(text: str, quote: str, start: int | None = None, end: int | None = None) -> tuple[int, int] | None:
    """Where the quote stands: the given offsets when they hold it, else its first occurrence."""
    if start is not None and end is not None and 0 <= start < end <= len(text) and text[start:end] == quote:
        return start, end
    index = text.find(quote) if quote else -1
    return (index, index + len(quote)) if index >= 0 else None


def highlighted(text: str, marks: list[Mark]) -> SafeString:
    """The text, escaped, with each mark wrapped in <mark>; a mark overlapping an earlier one is left out."""
    parts, cursor = [], 0
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        if mark.start < cursor:
            continue
        parts.append(escape(text[cursor:mark.start]))
        parts.append(format_html('<mark class="intake-{}" id="{}" title="{}">{}</mark>', mark.css, mark.anchor, mark.label,
                                 text[mark.start:mark.end]))
        cursor = mark.end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped or built by format_html
