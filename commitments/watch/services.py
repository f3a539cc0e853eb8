"""The writes of watching: adding a watch, claiming due polls and fetches, recording what they saw,
filing documents in the inbox, and staff decisions on inbox items.

Polls and fetches are claimed like the source re-checks: a claim (uuid) and a lease written into
the row's due time, taken with SKIP LOCKED, so two workers never take the same row and a killed
worker's rows come due again when the lease ends. The network work happens between the claim and
the record, outside any transaction, through the guarded fetcher and the shared per-origin
politeness (commitments.checks).
"""

import hashlib
import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import zip_longest

import trafilatura
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from commitments.audit import audit_source
from commitments.checks.fetch import Fetched, origin_key
from commitments.checks.scheduling import ORIGIN_PATTERN
from commitments.checks.services import fetch_urls
from commitments.http_urls import http_url_normalise
from commitments.intake.extract import extract
from commitments.intake.language import detect_language
from commitments.intake.reading import ReadError, text_from_bytes
from commitments.models import ChangeProposal, Commitment, Evidence, LinkKind, StatusUpdate
from commitments.models.watch import DocumentKey, DocumentState, InboxItem, InboxMailOptIn, InboxState, Watch, WatchedDocument, WatchKind
from commitments.proposals import link_propose
from commitments.services import NewEvidence, evidence_create, status_update_record

from .canonical import document_key, fetch_address
from .listings import Listed, ListingError, listing_read, pattern_error
from .matching import Matcher, targets_load

log = logging.getLogger(__name__)

GONE_STATUSES = frozenset({404, 410})
RETRIES = 3  # a document that fails this often for a passing reason (timeout, 5xx) is given up


# --- watches -------------------------------------------------------------------------------------

def watch_add(
    *, url: str, kind: str, link_pattern: str = "", name: str = "", interval_minutes: int = 15,
    created_by: AbstractBaseUser | None = None, now: datetime | None = None,
) -> Watch:
    """Register a listing to poll; ValidationError with field messages when it cannot be."""
    errors = {}
    try:
        url = http_url_normalise(url)
    except ValidationError as error:
        errors["url"] = error.messages
    if kind not in WatchKind.values:
        errors["kind"] = [f"“{kind}” is not a kind of listing: one of {', '.join(WatchKind.values)}."]
    if link_pattern and pattern_error(link_pattern):
        errors["link_pattern"] = [f"The link pattern is {pattern_error(link_pattern)}."]
    if interval_minutes < 1:
        errors["interval_minutes"] = ["Poll at most once a minute."]
    if not errors and Watch.objects.filter(url=url).exists():
        errors["url"] = ["This listing is already watched."]
    if errors:
        raise ValidationError(errors)
    with audit_source("command" if created_by is None else "admin", actor=created_by):
        return Watch.objects.create(
            url=url, kind=kind, link_pattern=link_pattern, name=name or url, interval_minutes=interval_minutes,
            created_by=created_by, next_poll_at=now or timezone.now(),
        )


def watches_all_due(*, now: datetime) -> int:
    """Every active, unclaimed watch is due at `now` (`watch_run --all`); how many."""
    return Watch.objects.filter(active=True, claim__isnull=True).update(next_poll_at=now)


def inbox_mail_toggle(*, user: AbstractBaseUser) -> bool:
    """Switch `user`'s daily e-mail of new inbox items on or off; whether it is on now."""
    deleted, _ = InboxMailOptIn.objects.filter(user=user).delete()
    if not deleted:
        InboxMailOptIn.objects.create(user=user)
    return not deleted


def watches_claim(*, now: datetime, limit: int) -> tuple[str, list[Watch]]:
    """Claim up to `limit` due watches; rows another worker holds are skipped (SKIP LOCKED), and a claim lasts a lease."""
    claim = uuid.uuid4()
    with transaction.atomic():
        due = Watch.objects.select_for_update(skip_locked=True).filter(active=True, next_poll_at__lte=now).order_by("next_poll_at", "id")
        taken = list(due[:limit])
        Watch.objects.filter(id__in=[w.id for w in taken]).update(claim=claim, next_poll_at=now + timedelta(seconds=settings.TRACKER_WATCH_LEASE))
    return str(claim), taken


@dataclass
class PollReport:
    watches: int = 0
    failed_watches: int = 0
    listed: int = 0
    new_documents: int = 0
    fetched: int = 0
    filed: int = 0
    duplicates: int = 0
    dead: int = 0
    failed_documents: int = 0
    inbox_ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "inbox_ids"} | {"inbox_items": self.inbox_ids}


def watch_polled(*, watch: Watch, claim: str, fetched: Fetched, extra: list[Fetched] = (), now: datetime, report: PollReport) -> None:
    """Record one poll of `watch`: its health, its validators, and every document it lists that is new."""
    try:
        listed = _listed_from(watch, fetched, extra)
    except ListingError as error:
        return _watch_failed(watch, claim=claim, error=str(error), now=now, report=report)
    report.listed += len(listed)
    report.new_documents += documents_register(watch=watch, listed=listed, now=now)
    headers = fetched.headers
    Watch.objects.filter(id=watch.id, claim=claim).update(
        claim=None, next_poll_at=now + timedelta(minutes=watch.interval_minutes), last_polled_at=now, last_ok_at=now,
        failures=0, last_error="", failing_notified_at=None,
        etag=headers.get("etag", watch.etag)[:500], last_modified=headers.get("last-modified", watch.last_modified)[:100],
    )


def _listed_from(watch: Watch, fetched: Fetched, extra: list[Fetched]) -> list[Listed]:
    if fetched.status == 304:
        return []
    problem = _fetch_problem(fetched)
    if problem:
        raise ListingError(problem)
    listing = listing_read(kind=watch.kind, body=fetched.body, base_url=fetched.final_url or watch.url, pattern=watch.link_pattern)
    documents = list(listing.documents)
    for child in extra:  # the sitemaps a sitemap index named, fetched in the same poll
        if not _fetch_problem(child):
            documents += listing_read(kind=watch.kind, body=child.body, base_url=child.final_url or child.url, pattern=watch.link_pattern).documents
    return documents


def _fetch_problem(fetched: Fetched) -> str:
    """Why a fetch gave nothing to read, in words staff read ('' when it did)."""
    if fetched.error_kind:
        return f"{fetched.error_kind.replace('_', ' ')}: {fetched.error}"
    if fetched.postponed is not None:
        return f"the site asked us to wait {fetched.postponed:.0f} s"
    if not fetched.status or fetched.status >= 400:
        return f"the site answered HTTP {fetched.status}"
    return ""


def _watch_failed(watch: Watch, *, claim: str, error: str, now: datetime, report: PollReport) -> None:
    report.failed_watches += 1
    backoff = min(watch.interval_minutes * 2 ** min(watch.failures, 4), 24 * 60)
    Watch.objects.filter(id=watch.id, claim=claim).update(
        claim=None, next_poll_at=now + timedelta(minutes=backoff), last_polled_at=now, failures=watch.failures + 1, last_error=error[:2000],
    )


def watch_is_failing(watch: Watch) -> bool:
    """The one rule for 'this watch keeps failing' (admin flag, staff e-mail)."""
    return watch.failures >= settings.TRACKER_WATCH_FAILING_AFTER


def documents_register(*, watch: Watch, listed: list[Listed], now: datetime) -> int:
    """New documents for the links never seen under any spelling; returns how many."""
    by_key = {}
    for item in listed:
        by_key.setdefault(document_key(item.url), item)
    known = set(DocumentKey.objects.filter(key__in=list(by_key)).values_list("key", flat=True))
    new = 0
    for key, item in by_key.items():
        if key in known:
            continue
        try:
            with transaction.atomic():
                document = WatchedDocument.objects.create(
                    watch=watch, url=item.url, listed_title=item.title, published_on=item.published_on, found_at=now, next_try_at=now,
                )
                DocumentKey.objects.create(key=key, document=document)
        except IntegrityError:  # another worker registered the same document a moment ago
            continue
        new += 1
    return new


# --- documents -----------------------------------------------------------------------------------

def documents_claim(*, now: datetime, limit: int) -> tuple[str, list[WatchedDocument]]:
    """Claim up to `limit` due documents, round-robin over origins (at most TRACKER_WATCH_FETCH_PER_ORIGIN
    of each), so one pass fetches from many origins at once instead of queueing behind one."""
    per_origin = settings.TRACKER_WATCH_FETCH_PER_ORIGIN
    claim = uuid.uuid4()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids = _due_document_ids(now=now, limit=limit, per_origin=per_origin)
        else:
            ids = [row.id for row in _claim_candidates(now=now, limit=limit, per_origin=per_origin)]
        WatchedDocument.objects.filter(id__in=ids).update(claim=claim, next_try_at=now + timedelta(seconds=settings.TRACKER_WATCH_LEASE))
    return str(claim), list(WatchedDocument.objects.filter(id__in=ids, claim=claim).order_by("id"))


def _due_document_ids(*, now: datetime, limit: int, per_origin: int) -> list[int]:
    sql = """
        WITH ranked AS (
            SELECT id, next_try_at, row_number() OVER (PARTITION BY origin ORDER BY next_try_at, id) AS n
            FROM (SELECT id, next_try_at, coalesce(lower(substring(coalesce(nullif(final_url, ''), url) FROM %(pattern)s)), '') AS origin
                  FROM commitments_watcheddocument WHERE state = 'pending' AND next_try_at <= %(now)s) AS due
        )
        SELECT d.id FROM commitments_watcheddocument d JOIN ranked r ON r.id = d.id
        WHERE r.n <= %(per_origin)s AND d.state = 'pending' AND d.next_try_at <= %(now)s
        ORDER BY r.n, r.next_try_at, d.id
        LIMIT %(limit)s
        FOR UPDATE OF d SKIP LOCKED
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"pattern": ORIGIN_PATTERN, "now": now, "per_origin": per_origin, "limit": limit})
        return [row[0] for row in cursor.fetchall()]


def _claim_candidates(*, now: datetime, limit: int, per_origin: int) -> list[WatchedDocument]:
    """The portable (SQLite) path: the same round-robin, in Python (one writer at a time there anyway)."""
    due = WatchedDocument.objects.filter(state=DocumentState.PENDING, next_try_at__lte=now).order_by("next_try_at", "id")
    by_origin: dict[str, list[WatchedDocument]] = defaultdict(list)
    for row in due.only("id", "url", "final_url")[: limit * 20]:
        if len(by_origin[origin_key(row.final_url or row.url)]) < per_origin:
            by_origin[origin_key(row.final_url or row.url)].append(row)
    rounds = zip_longest(*by_origin.values())
    return [row for group in rounds for row in group if row is not None][:limit]


def document_fetched(*, document: WatchedDocument, claim: str, fetched: Fetched, matcher: Matcher, now: datetime, report: PollReport) -> None:
    """Record one document's fetch: redirected (followed only to a page not known yet), dead, failed (retried
    later), a duplicate, or read and filed in the inbox."""
    report.fetched += 1
    if fetched.error_kind == "too_many_redirects" and fetched.hops:
        return _redirected(document, claim, fetched=fetched, now=now, report=report)
    if fetched.status in GONE_STATUSES:
        report.dead += 1
        return _document_end(document, claim, state=DocumentState.DEAD, fetched=fetched, error=f"HTTP {fetched.status}", now=now)
    problem = _fetch_problem(fetched)
    text = ""
    if not problem:
        try:
            text = text_from_bytes(fetched.body, content_type=fetched.content_type).replace("\x00", "").strip()
        except ReadError as error:
            problem = str(error)
        problem = problem or ("" if text else "no text found on the page")
    if problem:
        return _document_retry(document, claim, fetched=fetched, error=problem, now=now, report=report)
    with transaction.atomic():
        original = _same_page(document, fetched=fetched, text=text)
        if original is not None:
            report.duplicates += 1
            document.duplicate_of = original
            return _document_end(document, claim, state=DocumentState.DUPLICATE, fetched=fetched, error="", now=now)
        item = _file(document, claim=claim, fetched=fetched, text=text, matcher=matcher, now=now)
    if item is not None:
        report.filed += 1
        report.inbox_ids.append(item.id)


def _redirected(document: WatchedDocument, claim: str, *, fetched: Fetched, now: datetime, report: PollReport) -> None:
    """A redirect: to a document already known, this one is a duplicate (the target is not fetched again);
    otherwise the target becomes this document's address, fetched next."""
    target = fetched.hops[-1][1]
    owner = DocumentKey.objects.filter(key=document_key(target)).exclude(document=document).select_related("document").first()
    if owner is not None:
        report.duplicates += 1
        document.duplicate_of = owner.document
        return _document_end(document, claim, state=DocumentState.DUPLICATE, fetched=fetched, error="", now=now)
    if document.redirects >= settings.TRACKER_CHECK_MAX_REDIRECTS:
        report.failed_documents += 1
        return _document_end(document, claim, state=DocumentState.FAILED, fetched=fetched, error="too many redirects", now=now)
    try:
        with transaction.atomic():
            DocumentKey.objects.get_or_create(key=document_key(target), defaults={"document": document})
    except IntegrityError:  # another worker's document claimed the target a moment ago: ours is its duplicate next time
        pass
    WatchedDocument.objects.filter(id=document.id, claim=claim).update(
        claim=None, final_url=target[:2000], redirects=document.redirects + 1, next_try_at=now,
    )


def _same_page(document: WatchedDocument, *, fetched: Fetched, text: str) -> WatchedDocument | None:
    """The document already known under the address this one redirected to, or with the very same text."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    twin = WatchedDocument.objects.filter(text_sha256=digest).exclude(id=document.id).order_by("id").first()
    if twin is not None:
        return twin
    key = document_key(fetched.final_url or document.url)
    owner = DocumentKey.objects.filter(key=key).exclude(document=document).select_related("document").first()
    if owner is not None:
        return owner.document
    DocumentKey.objects.get_or_create(key=key, defaults={"document": document})
    return None


def _file(document: WatchedDocument, *, claim: str, fetched: Fetched, text: str, matcher: Matcher, now: datetime) -> InboxItem | None:
    meta = _metadata(fetched)
    language = detect_language(text)
    changed = WatchedDocument.objects.filter(id=document.id, claim=claim).update(
        state=DocumentState.FILED, claim=None, fetched_at=now, http_status=fetched.status, final_url=fetched.final_url[:2000], error="",
        attempts=document.attempts + 1, title=(meta.get("title") or document.listed_title)[:500], language=language,
        published_on=meta.get("date") or document.published_on, text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    if not changed:  # our lease ran out and another worker has it now: theirs to file
        return None
    sets = extract(text).as_json()["sets"]
    return InboxItem.objects.create(document=document, sets=sets, matches=matcher.matches(text, language=language), created_at=now)


def _metadata(fetched: Fetched) -> dict:
    """Title and date from the page's own metadata (trafilatura reads meta tags, JSON-LD and htmldate's rules)."""
    if "html" not in fetched.content_type and b"<html" not in fetched.body[:2048].lower():
        return {}
    try:
        meta = trafilatura.extract_metadata(fetched.body.decode("utf-8", errors="replace"))
    except Exception:  # noqa: BLE001 - metadata is a nicety: a page it cannot read is filed without it
        log.exception("metadata of %s", fetched.url)
        return {}
    if meta is None:
        return {}
    try:
        when = date.fromisoformat(meta.date[:10]) if meta.date else None
    except ValueError:
        when = None
    return {"title": meta.title or "", "date": when}


def _document_end(document: WatchedDocument, claim: str, *, state: str, fetched: Fetched, error: str, now: datetime) -> None:
    WatchedDocument.objects.filter(id=document.id, claim=claim).update(
        state=state, claim=None, fetched_at=now, http_status=fetched.status, final_url=fetched.final_url[:2000], error=error[:2000],
        attempts=document.attempts + 1, duplicate_of=document.duplicate_of,
    )


def _document_retry(document: WatchedDocument, claim: str, *, fetched: Fetched, error: str, now: datetime, report: PollReport) -> None:
    attempts = document.attempts + 1
    if attempts >= RETRIES:
        report.failed_documents += 1
        return _document_end(document, claim, state=DocumentState.FAILED, fetched=fetched, error=error, now=now)
    wait = fetched.postponed or 60 * 5 ** attempts
    WatchedDocument.objects.filter(id=document.id, claim=claim).update(
        claim=None, attempts=attempts, error=error[:2000], http_status=fetched.status, next_try_at=now + timedelta(seconds=wait),
    )


# --- one pass ------------------------------------------------------------------------------------

def watch_pass(*, now: datetime | None = None, report: PollReport | None = None, batch: int | None = None, budget: float | None = None) -> PollReport:
    """Poll every due watch, then fetch and file every pending document, until nothing is due.

    The scheduled task and `watch_run --once` both call this: one code path. With a `budget`
    (seconds) no new batch is claimed once it is spent, so a task ends well inside its leases.
    """
    report, batch = report or PollReport(), batch or settings.TRACKER_WATCH_BATCH
    deadline = None if budget is None else time.monotonic() + budget
    while deadline is None or time.monotonic() < deadline:
        polled = _poll_due(now=now or timezone.now(), report=report, batch=batch)
        fetched = _fetch_due(now=now or timezone.now(), report=report, batch=batch)
        if not polled and not fetched:
            break
    return report


def _poll_due(*, now: datetime, report: PollReport, batch: int) -> int:
    claim, watches = watches_claim(now=now, limit=batch)
    if not watches:
        return 0
    validators = {w.url: {k: v for k, v in (("If-None-Match", w.etag), ("If-Modified-Since", w.last_modified)) if v} for w in watches}
    results = fetch_urls([w.url for w in watches], validators=validators, one_at_a_time=True)
    for watch, fetched in zip(watches, results, strict=True):
        report.watches += 1
        extra = _index_children(watch, fetched)
        watch_polled(watch=watch, claim=claim, fetched=fetched, extra=extra, now=timezone.now(), report=report)
    return len(watches)


def _index_children(watch: Watch, fetched: Fetched) -> list[Fetched]:
    if watch.kind != WatchKind.SITEMAP or _fetch_problem(fetched) or fetched.status == 304:
        return []
    try:
        children = listing_read(kind=watch.kind, body=fetched.body, base_url=fetched.final_url or watch.url).sitemaps
    except ListingError:
        return []
    return fetch_urls(children[: settings.TRACKER_WATCH_MAX_CHILD_SITEMAPS], one_at_a_time=True) if children else []


def _fetch_due(*, now: datetime, report: PollReport, batch: int) -> int:
    claim, documents = documents_claim(now=now, limit=batch)
    if not documents:
        return 0
    matcher = Matcher(targets_load())
    fetched_all = fetch_urls([d.final_url or fetch_address(d.url) for d in documents], follow_redirects=False, one_at_a_time=True)
    for document, fetched in zip(documents, fetched_all, strict=True):
        document_fetched(document=document, claim=claim, fetched=fetched, matcher=matcher, now=timezone.now(), report=report)
    return len(documents)


# --- staff decisions on inbox items -----------------------------------------------------------------

def _decide(item: InboxItem, *, user: AbstractBaseUser, state: str, decision: str) -> InboxItem:
    item.state, item.decided_by, item.decided_at, item.decision = state, user, timezone.now(), decision
    item.save(update_fields=["state", "decided_by", "decided_at", "decision"])
    return item


def inbox_dismiss(*, item: InboxItem, user: AbstractBaseUser, reason: str) -> InboxItem:
    if not reason.strip():
        raise ValidationError({"reason": ["Say why it is dismissed (for example: unrelated, duplicate, no new fact)."]})
    return _decide(item, user=user, state=InboxState.DISMISSED, decision=f"Dismissed: {reason.strip()}")


def inbox_evidence(item: InboxItem, *, stance: str, passage: str = "") -> NewEvidence:
    """The document as evidence, in the shape the status form and the evidence service take."""
    document = item.document
    return NewEvidence(
        url=document.final_url or document.url, title=(document.title or document.listed_title or document.url)[:300],
        publisher=document.watch.name[:200], published_on=document.published_on, excerpt=passage[:2000], stance=stance,
    )


@transaction.atomic
def inbox_propose_status(
    *, item: InboxItem, commitment: Commitment, status: str, rationale: str, stance: str, user: AbstractBaseUser, passage: str = "",
) -> StatusUpdate:
    """Propose a status change of `commitment` with this document as its evidence (a Reviewer publishes it)."""
    with audit_source("watch", actor=user):
        update = status_update_record(
            commitment=commitment, status=status, effective_on=item.document.published_on or timezone.localdate(), rationale=rationale,
            author=user, new_evidence=[inbox_evidence(item, stance=stance, passage=passage)],
        )
    _decide(item, user=user, state=InboxState.ACCEPTED, decision=f"Proposed status update #{update.id} of commitment #{commitment.id}.")
    return update


@transaction.atomic
def inbox_attach_evidence(*, item: InboxItem, commitment: Commitment, stance: str, user: AbstractBaseUser, passage: str = "") -> Evidence:
    """Attach the document to `commitment` as evidence (it goes through the review flow like any evidence)."""
    with audit_source("watch", actor=user):
        evidence = evidence_create(data=inbox_evidence(item, stance=stance, passage=passage), created_by=user, commitments=[commitment])
    _decide(item, user=user, state=InboxState.ACCEPTED, decision=f"Attached as evidence #{evidence.id} to commitment #{commitment.id}.")
    return evidence


INBOX_LINK_KINDS = (LinkKind.REPORTS_PROGRESS_ON, LinkKind.REAFFIRMS, LinkKind.CONTRADICTS)


def inbox_taken_points(item: InboxItem) -> QuerySet[Commitment]:
    """The points of statements taken in from this document (through the intake page): what a typed link starts from."""
    document = item.document
    addresses = {a for a in (document.url, document.final_url, fetch_address(document.url)) if a}
    return (Commitment.objects.filter(parent__isnull=True, statement__sources__url__in=addresses)
            .select_related("statement").order_by("statement_id", "ordinal").distinct())


@transaction.atomic
def inbox_link(
    *, item: InboxItem, from_commitment: Commitment, to_commitment: Commitment, kind: str, rationale: str, user: AbstractBaseUser,
) -> ChangeProposal:
    """Propose that a point taken in from the document reports progress on, reaffirms or contradicts a tracked point."""
    if kind not in INBOX_LINK_KINDS:
        raise ValidationError({"kind": [f"From the inbox a point {', '.join(k.label for k in INBOX_LINK_KINDS)} a tracked point."]})
    if not inbox_taken_points(item).filter(id=from_commitment.id).exists():
        raise ValidationError({"from_commitment": ["Take the document's set in first: the link starts from one of its points."]})
    source = from_commitment.statement.sources.filter(url__in=[item.document.final_url, item.document.url]).first()
    with audit_source("watch", actor=user):  # a proposal: the link is made when a Reviewer publishes it
        proposal = link_propose(origin=from_commitment, to=to_commitment, kind=kind, rationale=rationale, source=source, author=user)
    _decide(item, user=user, state=InboxState.ACCEPTED, decision=f"Link proposed: {proposal.subject} ({LinkKind(kind).label}).")
    return proposal
