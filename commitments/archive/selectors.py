"""Reads of the archive: one capture's page (text, quote, captures over time, diff) and what broke since a status relied on it."""

import difflib
from dataclasses import dataclass
from datetime import datetime

from commitments.checks.judge import sentences, text_normalise
from commitments.checks.selectors import quotes_for_urls
from commitments.history import published_updates
from commitments.models import Capture, Evidence
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
    """A status relied on a page that changed or lost our quote since: the capture it relied on and the newest."""

    monitored: MonitoredUrl
    evidence: Evidence
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


def broken_citations(*, limit: int = 200) -> list[BrokenCitation]:
    """Evidence cited by a published status whose page changed after that status, lost our quote, or went. Four queries."""
    monitored = {
        m.url: m for m in MonitoredUrl.objects.filter(content_changed_at__isnull=False)
        | MonitoredUrl.objects.filter(quote_match=QuoteMatch.MISSING) | MonitoredUrl.objects.filter(health__in=[Health.GONE, Health.MOVED])
    }
    relied = (
        published_updates().filter(evidence__url__in=list(monitored)).order_by("-recorded_at")
        .values_list("id", "commitment_id", "recorded_at", "evidence")
    )
    evidence = Evidence.objects.in_bulk({row[3] for row in relied})
    captures: dict[int, list[Capture]] = {}
    for capture in Capture.objects.filter(monitored_url__in=[m.pk for m in monitored.values()]).exclude(kind=Capture.Kind.FAILED) \
            .select_related("snapshot").order_by("captured_at", "id"):
        captures.setdefault(capture.monitored_url_id, []).append(capture)
    found = []
    for status_id, commitment_id, relied_at, evidence_id in relied:
        row = monitored[evidence[evidence_id].url]
        reason = _reason(row, relied_at)
        if not reason:
            continue
        history = captures.get(row.pk, [])
        before = [c for c in history if c.captured_at <= relied_at]
        found.append(BrokenCitation(
            monitored=row, evidence=evidence[evidence_id], status_id=status_id, commitment_id=commitment_id, relied_at=relied_at,
            reason=reason, relied_on=before[-1] if before else (history[0] if history else None), latest=history[-1] if history else None,
        ))
    return found[:limit]
