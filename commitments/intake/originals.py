"""An original that carries only some points of a recorded set ("三是…四是…" of four): each point it
numbers becomes a rendering of the recorded point of the same ordinal, when their content agrees.

Used for the seed sets' Chinese originals (fixtures/originals/, `manage.py load_originals`): real
texts, often excerpts, that never start at the first point or stop inside the last.
"""

from dataclasses import dataclass

from django.db import transaction

from commitments.models import Rendering, Source, Statement
from commitments.renderings import primary_rendering, rendering_add

from .alignment import point_affinity
from .extract.extents import point_spans
from .extract.layout import Layout, Span
from .extract.markers import Marker, markers_find

ORDINAL_FAMILIES = ("word", "shi")  # 第一 / 一是 / First / во-первых: the ordinal is in the words


@dataclass(frozen=True)
class NumberedPoint:
    ordinal: int
    span: Span


def numbered_points(text: str) -> list[NumberedPoint]:
    """The longest run of consecutive ordinal words in the text, whatever ordinal it starts at."""
    layout = Layout(text)
    markers = [m for m in markers_find(layout) if m.family in ORDINAL_FAMILIES and m.ordinal and not m.qa]
    run = _longest_run(markers)
    if not run:
        return []
    spans = point_spans(run, layout, bound=len(text), indent_regime=False, stops=frozenset(m.start for m in run))
    return [NumberedPoint(m.ordinal, span) for m, span in zip(run, spans, strict=True) if span.end > span.start]


def _longest_run(markers: list[Marker]) -> list[Marker]:
    best: list[Marker] = []
    for i, first in enumerate(markers):
        run = [first]
        for marker in markers[i + 1:]:
            if marker.family == first.family and marker.ordinal == run[-1].ordinal + 1:
                run.append(marker)
        best = max(best, run, key=len)
    return best


@transaction.atomic
def originals_attach(*, statement: Statement, source: Source) -> list[Rendering]:
    """One rendering per numbered point of `source` whose recorded point shares figures or concepts with it.

    The original becomes the primary rendering where a translation was primary."""
    statement.sources.add(source)
    recorded = {c.ordinal: c for c in statement.commitments.filter(parent__isnull=True).prefetch_related("renderings")}
    made = []
    for found in numbered_points(source.full_text):
        point = recorded.get(found.ordinal)
        quote = source.full_text[found.span.start:found.span.end]
        if point is None or point_affinity(quote, point.quote) == 0:
            continue
        primary = primary_rendering(point.renderings.all())
        replaces = not source.is_translation and primary is not None and primary.is_translation
        made.append(rendering_add(target=point, source=source, text=quote, start=found.span.start, end=found.span.end, is_primary=replaces))
    return made
