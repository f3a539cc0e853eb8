"""Chart geometry for the templates: inline SVG drawn on the server, no script, no library.

Each function turns a selector's numbers into shapes (percentages of the drawing) plus the
words a screen reader and the data tables use, so every chart has its text equivalent.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from commitments import permalinks
from commitments.models import Score, Status

STATUS_LABELS = dict(Status.choices)
SCORE_WORDS = {-1: "no compliance", 0: "partial or in progress", 1: "full compliance"}


@dataclass(frozen=True)
class Segment:
    status: str
    label: str
    count: int
    start: float  # percent of the bar
    size: float  # percent of the bar


def stacked(by_status: dict[str, int]) -> list[Segment]:
    """Segments of a 100% bar, in the vocabulary's order, empty statuses left out."""
    total = sum(by_status.values())
    segments, start = [], 0.0
    for status in Status.values:
        count = by_status.get(status, 0)
        if count and total:
            size = 100 * count / total
            segments.append(Segment(status=status, label=STATUS_LABELS[status], count=count, start=round(start, 3), size=round(size, 3)))
            start += size
    return segments


def summary(by_status: dict[str, int]) -> str:
    """"3 not yet rated, 1 in progress": the bar in words."""
    parts = [f"{by_status[s]} {STATUS_LABELS[s].lower()}" for s in Status.values if by_status.get(s)]
    return ", ".join(parts) or "no commitments"


def status_bar(by_status: dict[str, int], *, name: str = "Commitments") -> dict:
    bar = {"segments": stacked(by_status), "summary": summary(by_status), "total": sum(by_status.values())}
    bar["html"] = bar_figure(bar, name=name)
    return bar


# The SVG is written here rather than in a template: a page of fifty bars and a 26-week chart is
# thousands of small shapes, and string building is ten times faster than template tags for them.
# Every text that comes from the data is escaped.


def bar_figure(bar: dict, *, name: str) -> SafeString:
    """A stacked 100% bar and, under it, the same numbers in words (its text equivalent)."""
    rects = "".join(
        f'<rect class="f-{s.status}" x="{s.start}" y="0" width="{s.size}" height="8"><title>{s.label}: {s.count}</title></rect>'
        for s in bar["segments"]
    ) or '<rect class="f-empty" x="0" y="0" width="100" height="8"></rect>'
    chips = "".join(
        f'<span class="chip"><span class="swatch f-{s.status}" aria-hidden="true"></span>{s.count} {s.label.lower()}</span>' for s in bar["segments"]
    ) or "none yet"
    label = escape(f"{name}: {bar['summary']}")
    return mark_safe(  # noqa: S308 - built from escaped text and fixed markup
        f'<figure class="bar-figure"><svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="{label}" '
        f'focusable="false">{rects}</svg><figcaption class="bar-text">{bar["total"]} in all: {chips}</figcaption></figure>'
    )


def _day(value) -> str:
    day = value.date() if hasattr(value, "date") else value
    return f"{day.day} {day:%b %Y}" if isinstance(day, date) else ""


def weeks_svg(weeks: dict) -> SafeString:
    """The weekly chart's drawing: one column per week, statuses stacked."""
    shapes = []
    for column in weeks["columns"]:
        when, total = _day(column["week_end"]), column["total"]
        shapes.extend(
            f'<rect class="f-{s["status"]}" x="{column["x"]}" width="{column["width"]}" y="{s["y"]}" height="{s["height"]}">'
            f'<title>Week ending {when}: {s["label"]} {s["count"]} of {total}</title></rect>'
            for s in column["segments"]
        )
    return mark_safe("".join(shapes))  # noqa: S308 - numbers and fixed labels only


CHART_HEIGHT = 40  # the weekly chart's drawing units (its viewBox is 100 x 40)


def share_over_time(weeks: list[dict]) -> dict:
    """One column per week, its statuses stacked as shares of that week's total, and the table's rows."""
    width = 100 / len(weeks) if weeks else 0
    present = [s for s in Status.values if any(w["by_status"].get(s) for w in weeks)]
    columns = []
    for i, week in enumerate(weeks):
        bars = [
            {"status": seg.status, "label": seg.label, "count": seg.count,
             "y": round(CHART_HEIGHT * seg.start / 100, 3), "height": round(CHART_HEIGHT * seg.size / 100, 3)}
            for seg in stacked(week["by_status"])
        ]
        columns.append({"x": round(i * width, 3), "width": round(width, 3), "week_end": week["week_end"], "day": _day(week["week_end"]),
                        "total": week["total"],
                        "segments": bars, "counts": [week["by_status"].get(s, 0) for s in present]})
    chart = {
        "columns": columns, "first": weeks[0]["week_end"] if weeks else None, "last": weeks[-1]["week_end"] if weeks else None,
        "statuses": [(s, STATUS_LABELS[s]) for s in present],
    }
    chart["svg"] = weeks_svg(chart)
    return chart


def score_cell(cell: dict | None, party_name: str) -> dict | None:
    if cell is None:
        return None
    score = cell["score"]
    shown = f"{score:+d}".replace("-", "\u2212") if score else "0"  # a real minus sign
    return {"score": score, "shown": shown, "words": SCORE_WORDS[score], "assessed_on": cell["assessed_on"],
            "label": f"{party_name}: {Score(score).label}"}


def heat_map(compliance: dict, *, slugs: dict[int, str], titles: dict[int, str] | None = None, limit: int | None = None) -> dict:
    """Rows of commitments, columns of parties; each cell the latest score with its words."""
    parties = compliance["parties"]
    rows = compliance["rows"][:limit] if limit else compliance["rows"]
    return {
        "parties": parties,
        "rows": [
            {"number": row["number"], "title": row["title"], "statement": (titles or {}).get(row["statement"], ""),
             "url": permalinks.commitment_path(statement_slug=slugs[row["statement"]], number=row["number"]) if row["statement"] in slugs else "",
             "cells": [score_cell(row["scores"].get(party["slug"]), party["name"]) for party in parties]}
            for row in rows
        ],
        "total_rows": len(compliance["rows"]),
    }
