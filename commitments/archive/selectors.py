"""Reads of the archive: one capture's page (text, quote, captures over time, diff) and what broke since a status relied on it."""

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from commitments.checks.judge import sentences, text_normalise
from commitments.checks.selectors import quotes_for_urls
from commitments.history import published_updates
from commitments.models import Capture
from commitments.models.checks import Health, MonitoredUrl, QuoteMatch

DIFF_CONTEXT = 1  # unchanged sentences shown around each change


@dataclass(frozen=True)
class Highlighted:
    before: str
    quote: str
    after: str


@dataclass(frozen=True)
class DiffLine:
    op: str  # "same", "added", "removed", "skipped" (text holds how many sentences)
    text: str


@dataclass(frozen=True)
class CapturePage:
    capture: Capture
    monitored: MonitoredUrl
    text: Highlighted
    quote_found: bool
    captures: list[Capture]  # every capture of the URL, newest first
    compare: Capture | None
    diff: list[DiffLine]


def quote_highlight(text: str, quotes: list[str]) -> tuple[Highlighted, bool]:
    """The text cut around the first quote found verbatim (whitespace normalised, then case-blind)."""
    folded = text.casefold()
    for quote in quotes:
        wanted = text_normalise(quote)
        for haystack, needle in ((text, wanted), (folded, wanted.casefold())):
            at = haystack.find(needle) if needle else -1
            if at >= 0:
                return Highlighted(text[:at], text[at:at + len(needle)], text[at + len(needle):]), True
    return Highlighted(text, "", ""), False


def text_diff(old: str, new: str, *, context: int = DIFF_CONTEXT) -> list[DiffLine]:
    """Sentence by sentence, what changed from `old` to `new`; long unchanged runs are shown as a count."""
    before, after = sentences(old), sentences(new)
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            same = before[i1:i2]
            if len(same) > 2 * context + 1:
                head = same[:context] if lines else []
                tail = same[len(same) - context:] if i2 < len(before) else []
                lines += [DiffLine("same", s) for s in head]
                lines.append(DiffLine("skipped", str(len(same) - len(head) - len(tail))))
                lines += [DiffLine("same", s) for s in tail]
            else:
                lines += [DiffLine("same", s) for s in same]
            continue
        lines += [DiffLine("removed", s) for s in before[i1:i2]]
        lines += [DiffLine("added", s) for s in after[j1:j2]]
    return lines


def capture_page(*, pk: int, compare: int | None = None) -> CapturePage:
    """A fixed number of queries: the capture, its URL's captures, the compared one's text and the quotes (4)."""
    capture = Capture.objects.select_related("monitored_url", "snapshot").exclude(kind=Capture.Kind.FAILED).get(pk=pk)
    monitored = capture.monitored_url
    shown = ("id", "monitored_url_id", "captured_at", "kind", "status", "payload_bytes")
    captures = list(monitored.captures.exclude(kind=Capture.Kind.FAILED).only(*shown))
    other = None
    if compare is not None and compare != capture.pk and any(c.pk == compare for c in captures):
        other = Capture.objects.select_related("snapshot").get(pk=compare)
    text, found = quote_highlight(capture.snapshot.text, quotes_for_urls(urls=[monitored.url]).get(monitored.url, []))
    diff = []
    if other is not None:
        older, newer = sorted((other, capture), key=lambda c: (c.captured_at, c.pk))
        diff = text_diff(older.snapshot.text, newer.snapshot.text)
    return CapturePage(capture=capture, monitored=monitored, text=text, quote_found=found, captures=captures, compare=other, diff=diff)


def capture_for_download(*, pk: int) -> Capture:
    return Capture.objects.exclude(kind=Capture.Kind.FAILED).only("id", "warc_name", "captured_at", "kind", "revisit_of_id").get(pk=pk)


def capture_payload_source(*, pk: int) -> Capture:
    """The capture whose WARC holds the payload: itself, or the original a revisit points at."""
    capture = Capture.objects.select_related("revisit_of").exclude(kind=Capture.Kind.FAILED).get(pk=pk)
    return capture.revisit_of or capture


@dataclass(frozen=True)
class BrokenCitation:
    """A status relied on a page that changed or lost our quote since: the capture it relied on and the newest.

    The page is a piece of evidence the status cites, or the source the commitment is quoted from.
    """

    monitored: MonitoredUrl
    kind: str  # "evidence" or "source"
    title: str
    status_id: int
    commitment_id: int
    relied_at: datetime
    reason: str
    relied_on: Capture | None
    latest: Capture | None


def _reason(monitored: MonitoredUrl, relied_at: datetime) -> str:
    if monitored.quote_match == QuoteMatch.MISSING:
        return "quote missing"
    if monitored.health in (Health.GONE, Health.MOVED):
        return monitored.get_health_display().lower()
    if monitored.content_changed_at and monitored.content_changed_at > relied_at:
        return "page changed"
    return ""


def _captures_by_url(monitored_ids: list[int]) -> dict[int, list[Capture]]:
    captures: dict[int, list[Capture]] = {}
    rows = Capture.objects.filter(monitored_url__in=monitored_ids).exclude(kind=Capture.Kind.FAILED).select_related("snapshot")
    for capture in rows.order_by("captured_at", "id"):
        captures.setdefault(capture.monitored_url_id, []).append(capture)
    return captures


def broken_citations(*, limit: int = 200) -> list[BrokenCitation]:
    """Evidence a published status cites, and sources of commitments with a published status, whose page
    changed after that status, lost our quote, moved or went; newest status first. Five queries."""
    problem = Q(content_changed_at__isnull=False) | Q(quote_match=QuoteMatch.MISSING) | Q(health__in=[Health.GONE, Health.MOVED])
    monitored = {m.url: m for m in MonitoredUrl.objects.filter(problem)}
    updates = published_updates().order_by("-recorded_at", "-id")
    relied = [
        ("evidence", *row) for row in updates.filter(evidence__url__in=list(monitored))
        .values_list("id", "commitment_id", "recorded_at", "evidence__url", "evidence__title")
    ] + [
        ("source", *row) for row in updates.filter(commitment__source__url__in=list(monitored))
        .values_list("id", "commitment_id", "recorded_at", "commitment__source__url", "commitment__source__title")
    ]
    relied.sort(key=lambda row: (row[3], row[1]), reverse=True)
    captures = _captures_by_url([m.pk for m in monitored.values()])
    found = []
    for kind, status_id, commitment_id, relied_at, url, title in relied:
        row = monitored[url]
        reason = _reason(row, relied_at)
        if not reason:
            continue
        history = captures.get(row.pk, [])
        before = [c for c in history if c.captured_at <= relied_at]
        found.append(BrokenCitation(
            monitored=row, kind=kind, title=title, status_id=status_id, commitment_id=commitment_id, relied_at=relied_at, reason=reason,
            relied_on=before[-1] if before else (history[0] if history else None), latest=history[-1] if history else None,
        ))
    return found[:limit]
