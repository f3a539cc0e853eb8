"""Sending one batch of digests: claim a delivery row per subscriber, send, record the outcome.

The claim comes before the send (healthchecks-style conditional writes), so two runners, a
re-run or a re-delivered task never send a digest twice: whoever inserted the
(subscriber, period) row, or re-claimed it with a conditional UPDATE, is the only sender.
Nobody is skipped either. A claim is a lease: its sender renews it every quarter of
TRACKER_DIGEST_CLAIM_TIMEOUT while it sends, and a claim not renewed for that long belongs
to a sender that died and is taken over. The timeout is shorter than the broker's visibility
timeout, so a batch re-delivered after its whole worker died finds its dead claims stale; a
batch that finds rows another sender holds (re-delivered at once after a pool process died,
or a second run) reports them as `held`, and its task looks at them again once such a lease
would have run out (commitments.tasks.digests).

Recording: each digest is marked *sending* (with its Message-ID) in the shared cache before
its SMTP transaction starts, and journalled *sent* the moment the server accepts it (two
Redis SETs per e-mail, each a tenth of a database commit); the delivery rows are marked sent
in bulk, RECORD_EVERY at a time.
Whoever takes over a dead sender's stale claims first marks the journalled ones sent, and
sends only the rest.

SMTP cannot be part of a transaction, so one window stays open whatever we write: after the
server has taken a message (it answers 250 once it holds it) and before our journal entry
reaches Redis, one network reply and one cache write long. A row the takeover finds marked
*sending* and not *sent* died inside its SMTP transaction, before or after the server took
the message: nobody can tell which without the server's own log. We resend it (at least
once: the promise is that nobody is skipped), with the same Message-ID, so mail systems that
drop a repeated Message-ID show it once, and count it (`BatchResult.uncertain`, logged). A
dying sender holds one SMTP transaction, so a killed pool process doubles at most one digest
and a killed worker at most one per pool process. The journal lives in the cache backend:
Redis in production; under `make run` the in-process cache, where a dead worker's journal
dies with it and the window becomes the unrecorded group.
"""

import logging
import smtplib
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection
from django.db.models import Case, DateTimeField, F, Max, Min, Q, Value, When
from django.utils import timezone

from commitments.emails import EmailBlueprint, RenderedEmail, SerialisedEmail, email_blueprint, email_copy, email_message, email_render
from commitments.models import DigestDelivery, Subscriber

from .build import DigestContent, digest_content, digest_context, subscriber_filter
from .changes import WeekChanges, site_url, week_changes_load
from .periods import Period
from .subscriptions import unsubscribe_url

log = logging.getLogger(__name__)
State = DigestDelivery.State
RECORD_EVERY = 100  # accepted digests recorded per UPDATE
JOURNAL_SECONDS = 7 * 24 * 3600  # far beyond any claim timeout: a takeover always finds the entries it needs
# Rendered once per distinct filter with this in place of the address-specific link, then replaced.
UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.placeholder.invalid/TOKEN/"


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)  # nothing to send this week
    skipped: list[int] = field(default_factory=list)  # someone else holds or already sent it
    held: list[int] = field(default_factory=list)  # of the skipped: claimed by another sender, not sent yet
    retry: list[int] = field(default_factory=list)  # transient failure: try again later
    failed: list[int] = field(default_factory=list)  # permanent failure, recorded
    uncertain: list[int] = field(default_factory=list)  # of the sent: a dead sender was mid-transaction, the server may hold a copy

    def merge(self, other: "BatchResult") -> None:
        for name in ("sent", "empty", "skipped", "held", "retry", "failed", "uncertain"):
            getattr(self, name).extend(getattr(other, name))


def subscribers_active() -> Iterator[int]:
    """Active subscribers' ids, those with the same filter next to each other.

    A worker renders each distinct filter's digest once (see _digest): grouped like this, a
    batch holds few filters, and two workers render few of the same ones.
    """
    active = Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    grouped = active.annotate(s1=Min("statements"), s2=Max("statements"), p1=Min("parties"), p2=Max("parties"), t1=Min("themes"),
                              t2=Max("themes"))
    return grouped.order_by(*(F(name).asc(nulls_first=True) for name in ("s1", "s2", "p1", "p2", "t1", "t2")), "pk").values_list(
        "pk", flat=True).iterator(chunk_size=5000)


def chunked(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def subscribers_load(ids: list[int]) -> list[Subscriber]:
    """4 queries: the batch's active subscribers with their filters."""
    return list(
        Subscriber.objects.filter(pk__in=ids, confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .prefetch_related("statements", "parties", "responsible_parties", "themes").order_by("pk")
    )


def filter_names(subscriber: Subscriber) -> str:
    """What a subscriber follows, for the digest's header and the admin list ('' for everything)."""
    names = [s.title for s in subscriber.statements.all()] + [p.name for p in subscriber.parties.all()]
    return ", ".join(names + [t.name for t in subscriber.themes.all()])


@dataclass(frozen=True)
class Claim:
    token: str
    mine: dict[int, int]  # {subscriber id: delivery id} of the rows we now hold
    held: list[int]  # subscribers whose row another sender holds (claimed, its lease not over)
    uncertain: list[int] = field(default_factory=list)  # of `mine`: taken over from a sender that died mid-transaction


def claim_stale_before(*, now: datetime) -> datetime:
    return now - timedelta(seconds=settings.TRACKER_DIGEST_CLAIM_TIMEOUT)


def deliveries_claim(*, subscriber_ids: list[int], period: Period, now: datetime) -> Claim:
    """Claim this period's delivery rows for these subscribers.

    4 queries whatever the batch size: insert the missing rows (a conflict means the row
    exists), record as sent what a dead sender's journal says it sent, take over rows waiting
    for a retry or whose sender stopped renewing its claim (died), then read back who holds
    which row. The take-over is one conditional UPDATE, so of two runners only one wins a row.
    """
    token = uuid.uuid4().hex
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(subscriber_id=pk, period=period.key, status=State.CLAIMED, claim_token=token, claimed_at=now, attempts=1)
         for pk in subscriber_ids],
        ignore_conflicts=True,
    )
    rows = DigestDelivery.objects.filter(subscriber_id__in=subscriber_ids, period=period.key)
    dead = Q(status=State.CLAIMED, claimed_at__lt=claim_stale_before(now=now))
    dead_ids = dict(rows.filter(dead).values_list("pk", "subscriber_id"))
    sent, sending = journal_read(delivery_ids=list(dead_ids))
    deliveries_record_sent(sent=sent)
    uncertain = sorted(dead_ids[pk] for pk in sending if pk not in sent)
    rows.filter(Q(status=State.RETRY) | dead).update(status=State.CLAIMED, claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    mine, held = {}, []
    for subscriber_id, pk, holder in rows.filter(status=State.CLAIMED).values_list("subscriber_id", "pk", "claim_token"):
        if holder == token:
            mine[subscriber_id] = pk
        else:
            held.append(subscriber_id)
    return Claim(token=token, mine=mine, held=sorted(held), uncertain=[pk for pk in uncertain if pk in mine])


ORPHANS_SINCE = timedelta(days=7)  # older claims are of weeks whose digest would come too late to matter


def deliveries_orphaned(*, now: datetime) -> dict[str, list[int]]:
    """{period key: subscriber ids} of claims whose sender died and that no batch came back for (a hard time limit).

    1 query; the rows are few (none unless a batch was killed past its soft limit).
    """
    rows = DigestDelivery.objects.filter(status=State.CLAIMED, claimed_at__lt=claim_stale_before(now=now), claimed_at__gte=now - ORPHANS_SINCE)
    found: dict[str, list[int]] = {}
    for period, subscriber_id in rows.order_by("period", "subscriber_id").values_list("period", "subscriber_id"):
        found.setdefault(period, []).append(subscriber_id)
    return found


def deliveries_renew(*, token: str, delivery_ids: list[int], at: datetime) -> set[int]:
    """1 query (2 if someone took rows over): our claims are alive at `at`; returns those we still hold."""
    rows = DigestDelivery.objects.filter(pk__in=delivery_ids, claim_token=token, status=State.CLAIMED)
    if rows.update(claimed_at=at) == len(delivery_ids):
        return set(delivery_ids)
    return set(rows.values_list("pk", flat=True))


def _journal_key(delivery_id: int) -> str:
    return f"digest-sent:{delivery_id}"


def _sending_key(delivery_id: int) -> str:
    return f"digest-sending:{delivery_id}"


def journal_sending(*, delivery_id: int, message_id: str) -> None:
    """Right before the digest's SMTP transaction: whoever finds this without a `sent` entry knows its sender died inside it."""
    cache.set(_sending_key(delivery_id), message_id, timeout=JOURNAL_SECONDS)


def journal_sent(*, delivery_id: int, at: datetime) -> None:
    """Right after the server accepted the digest."""
    cache.set(_journal_key(delivery_id), at, timeout=JOURNAL_SECONDS)


def journal_read(*, delivery_ids: list[int]) -> tuple[dict[int, datetime], dict[int, str]]:
    """({delivery id: when the server accepted it}, {delivery id: Message-ID of a transaction begun}) of these ids."""
    if not delivery_ids:
        return {}, {}
    found = cache.get_many([key(pk) for pk in delivery_ids for key in (_journal_key, _sending_key)])
    sent = {pk: found[_journal_key(pk)] for pk in delivery_ids if _journal_key(pk) in found}
    return sent, {pk: found[_sending_key(pk)] for pk in delivery_ids if _sending_key(pk) in found}


def deliveries_record_sent(*, sent: dict[int, datetime]) -> None:
    """1 query: these claimed deliveries were accepted by the server (each at its own time); then drop their journal entries."""
    if not sent:
        return
    if connection.vendor == "postgresql":  # the pairs as two arrays: one short statement whatever the group's size
        with connection.cursor() as cursor:
            cursor.execute(_RECORD_SENT_SQL, [State.SENT, list(sent), list(sent.values()), State.CLAIMED])
    else:
        accepted_at = Case(*(When(pk=pk, then=Value(at)) for pk, at in sent.items()), output_field=DateTimeField())
        DigestDelivery.objects.filter(pk__in=list(sent), status=State.CLAIMED).update(status=State.SENT, sent_at=accepted_at, last_error="")
    cache.delete_many([key(pk) for pk in sent for key in (_journal_key, _sending_key)])


_RECORD_SENT_SQL = f"""
UPDATE {DigestDelivery._meta.db_table} AS d SET status = %s, sent_at = v.at, last_error = ''
FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at)
WHERE d.id = v.id AND d.status = %s
"""  # noqa: S608 (a table name from the model, every value a parameter)


def smtp_error_is_permanent(error: Exception) -> bool:
    """5xx replies are permanent; 4xx, refused or dropped connections are worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and min(codes) >= 500
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def _connection_survives(error: Exception) -> bool:
    # smtplib resets the session after a refused sender, recipient or data: the connection can go on.
    return isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused) and getattr(error, "smtp_code", 250) != 421


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _record_failed(*, delivery_id: int, error: Exception) -> None:
    """1 query, only on a permanent failure (rare): recorded at once, only if we still hold the claim."""
    DigestDelivery.objects.filter(pk=delivery_id, status=State.CLAIMED).update(status=State.FAILED, last_error=_describe(error))


def _release(delivery_ids: list[int], error: Exception) -> None:
    if delivery_ids:
        DigestDelivery.objects.filter(pk__in=delivery_ids, status=State.CLAIMED).update(status=State.RETRY, last_error=_describe(error))


def digest_headers(*, unsubscribe: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058: mail clients show an unsubscribe button that POSTs to the link."""
    links = f"<{unsubscribe}>"
    if settings.TRACKER_DIGEST_UNSUBSCRIBE_MAILTO:
        links += f", <mailto:{settings.TRACKER_DIGEST_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>"
    return {"List-Unsubscribe": links, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Auto-Submitted": "auto-generated"}


def digest_render(*, content: DigestContent, unsubscribe: str, filter_names: str = "") -> RenderedEmail:
    return email_render(name="weekly-digest", context=digest_context(content=content, unsubscribe_url=unsubscribe, filter_names=filter_names))


@dataclass(frozen=True)
class _Digest:
    """One distinct filter's digest, rendered and serialised once for every subscriber with that filter."""

    content: DigestContent
    rendered: RenderedEmail  # with UNSUBSCRIBE_PLACEHOLDER for the link
    blueprint: EmailBlueprint | None  # None: built in full per subscriber (see email_blueprint)


@dataclass
class _Plan:
    subscriber: Subscriber
    digest: _Digest

    @property
    def content(self) -> DigestContent:
        return self.digest.content


def _digest(*, changes: WeekChanges, subscriber: Subscriber) -> _Digest:
    """Cached on `changes` per filter, so the next batches of a run reuse it (see week_changes_shared)."""
    digest_filter = subscriber_filter(subscriber)

    def compute() -> _Digest:
        content = digest_content(changes=changes, digest_filter=digest_filter)
        rendered = digest_render(content=content, unsubscribe=UNSUBSCRIBE_PLACEHOLDER, filter_names=filter_names(subscriber))
        blueprint = email_blueprint(rendered=rendered, headers=digest_headers(unsubscribe=UNSUBSCRIBE_PLACEHOLDER),
                                    varying=("List-Unsubscribe",), body_slot=UNSUBSCRIBE_PLACEHOLDER)
        return _Digest(content=content, rendered=rendered, blueprint=blueprint)

    return changes.memo("digest", digest_filter, compute)


def digests_plan(*, changes: WeekChanges, subscribers: list[Subscriber]) -> tuple[list[_Plan], list[int]]:
    """Build and render (once per distinct filter) every digest to send; returns the plans and the empty ones."""
    plans, empty = [], []
    for subscriber in subscribers:
        digest = _digest(changes=changes, subscriber=subscriber)
        if digest.content.is_empty and not settings.TRACKER_DIGEST_SEND_EMPTY:
            empty.append(subscriber.pk)
            continue
        plans.append(_Plan(subscriber=subscriber, digest=digest))
    return plans, empty


def digest_message_id(*, plan: _Plan) -> str:
    """The same for every copy of one subscriber's digest of one week, whoever sends it.

    A crash between the server accepting a digest and its journal entry sends it again; mail
    systems that drop a second message with a Message-ID they already hold then show it once.
    """
    host = urlsplit(site_url("/")).hostname or "tracker.invalid"
    return f"<digest.{plan.content.period.key}.{plan.subscriber.pk}@{host}>"


def digest_message(*, plan: _Plan, connection: BaseEmailBackend) -> EmailMessage:
    """One subscriber's e-mail: the digest's bytes with their address and unsubscribe link, or built in full."""
    link = unsubscribe_url(subscriber_id=plan.subscriber.pk)
    # Message-ID first: where Django puts it when it makes it itself (email_blueprint relies on that order).
    headers = {"Message-ID": digest_message_id(plan=plan), **digest_headers(unsubscribe=link)}
    # Only Django's SMTP backend takes bytes as they are (message().as_bytes()); the console and locmem ones read the parts.
    if plan.digest.blueprint is not None and isinstance(connection, SMTPBackend):
        raw = email_copy(plan.digest.blueprint, to=plan.subscriber.email, headers=headers, body_value=link)
        if raw is not None:
            return SerialisedEmail(raw=raw, to=plan.subscriber.email, connection=connection)
    return email_message(rendered=plan.digest.rendered.replace(UNSUBSCRIBE_PLACEHOLDER, link), to=plan.subscriber.email,
                         headers=headers, connection=connection)


class _SentRecorder:
    """Journal each digest before its transaction (sending) and once accepted (sent); record them as sent in groups of RECORD_EVERY."""

    def __init__(self, result: BatchResult):
        self.result, self.pending = result, {}

    def accepted(self, *, plan: _Plan, delivery_id: int) -> None:
        at = timezone.now()  # when the server accepted it: a fact, not a parameter
        journal_sent(delivery_id=delivery_id, at=at)
        self.pending[delivery_id] = at
        self.result.sent.append(plan.subscriber.pk)
        if len(self.pending) >= RECORD_EVERY:
            self.flush()

    def flush(self) -> None:
        deliveries_record_sent(sent=self.pending)
        self.pending = {}


class _Lease:
    """Our claims while we send: renewed every quarter of the timeout, so nobody takes them over while we live."""

    def __init__(self, *, token: str, mine: dict[int, int], now: datetime):
        self.token, self.mine, self.now = token, mine, now
        self.started = self.renewed = time.monotonic()

    def due(self) -> bool:
        return time.monotonic() - self.renewed >= settings.TRACKER_DIGEST_CLAIM_TIMEOUT / 4

    def renew(self, rest: list[_Plan]) -> list[_Plan]:
        """The plans of `rest` whose claims we still hold (someone took over the others: we were too slow), renewed."""
        self.renewed = time.monotonic()
        ids = [self.mine[plan.subscriber.pk] for plan in rest]
        held = deliveries_renew(token=self.token, delivery_ids=ids, at=self.now + timedelta(seconds=self.renewed - self.started))
        return [plan for plan in rest if self.mine[plan.subscriber.pk] in held]


def _send_claimed(*, plans: list[_Plan], claim: _Lease, connection: BaseEmailBackend, result: BatchResult) -> None:
    recorder, claimed, position = _SentRecorder(result), claim.mine, 0
    try:
        while position < len(plans):
            if claim.due():
                kept = claim.renew(plans[position:])
                kept_ids = {plan.subscriber.pk for plan in kept}
                result.skipped.extend(plan.subscriber.pk for plan in plans[position:] if plan.subscriber.pk not in kept_ids)
                plans, position = kept, 0
                continue
            plan = plans[position]
            journal_sending(delivery_id=claimed[plan.subscriber.pk], message_id=digest_message_id(plan=plan))
            try:
                connection.send_messages([digest_message(plan=plan, connection=connection)])
            except (smtplib.SMTPException, OSError) as error:
                if not _handle_send_error(error=error, rest=plans[position:], claimed=claimed, result=result):
                    return
                position += 1
                continue
            recorder.accepted(plan=plan, delivery_id=claimed[plan.subscriber.pk])
            position += 1
    finally:
        recorder.flush()


def _handle_send_error(*, error: Exception, rest: list[_Plan], claimed: dict[int, int], result: BatchResult) -> bool:
    """Record or release the digest that failed (rest[0]); False when the connection is gone and the rest went back too."""
    plan = rest[0]
    if smtp_error_is_permanent(error):
        _record_failed(delivery_id=claimed[plan.subscriber.pk], error=error)
        result.failed.append(plan.subscriber.pk)
        return True
    if _connection_survives(error):
        _release([claimed[plan.subscriber.pk]], error)
        result.retry.append(plan.subscriber.pk)
        return True
    # The connection is gone: hand this and every remaining digest back for a retry.
    _release([claimed[p.subscriber.pk] for p in rest], error)
    result.retry.extend(p.subscriber.pk for p in rest)
    return False


# A batch task's worker runs the next batches of the same run: they reuse the week's changes,
# its rendered items and its per-filter digests instead of reloading and re-rendering them.
# Digests are about a week that is over, so minutes-old data is as good as fresh; a retry an
# hour later (or the next week) loads again.
WEEK_CHANGES_MAX_AGE = timedelta(minutes=10)
_shared: dict[str, tuple[datetime, WeekChanges]] = {}


def week_changes_shared(*, period: Period, now: datetime) -> WeekChanges:
    """`week_changes_load`, reused by this process for WEEK_CHANGES_MAX_AGE after `now`."""
    loaded = _shared.get(period.key)
    if loaded is not None and timedelta(0) <= now - loaded[0] < WEEK_CHANGES_MAX_AGE:
        return loaded[1]
    changes = week_changes_load(period=period)
    _shared.clear()  # one week at a time: an older one is done
    _shared[period.key] = (now, changes)
    return changes


def week_changes_forget() -> None:
    _shared.clear()


def digests_send_batch(*, period: Period, subscriber_ids: list[int], now: datetime, changes: WeekChanges | None = None) -> BatchResult:
    """Build, claim and send one batch over one SMTP connection.

    Queries: the week's changes (`week_changes_load`) if this process has not loaded them
    in the last minutes, 4 for the subscribers, 4 to claim, then one UPDATE per RECORD_EVERY
    digests sent (and one per permanent failure).
    """
    changes = changes or week_changes_shared(period=period, now=now)
    plans, empty = digests_plan(changes=changes, subscribers=subscribers_load(subscriber_ids))
    result = BatchResult(empty=empty)
    claim = Claim(token="", mine={}, held=[])
    if plans:
        claim = deliveries_claim(subscriber_ids=[plan.subscriber.pk for plan in plans], period=period, now=now)
    claimed = claim.mine
    result.skipped, result.held = [plan.subscriber.pk for plan in plans if plan.subscriber.pk not in claimed], claim.held
    plans = [plan for plan in plans if plan.subscriber.pk in claimed]
    if not plans:
        return result
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        _release(list(claimed.values()), error)
        result.retry = [plan.subscriber.pk for plan in plans]
        return result
    if claim.uncertain:
        log.warning("digests %s: resending %d digest(s) whose sender died inside its SMTP transaction (same Message-ID; the server may "
                    "hold a first copy): subscribers %s", period.key, len(claim.uncertain), claim.uncertain)
    try:
        _send_claimed(plans=plans, claim=_Lease(token=claim.token, mine=claimed, now=now), connection=connection, result=result)
    finally:
        connection.close()
    sent = set(result.sent)
    result.uncertain = [pk for pk in claim.uncertain if pk in sent]
    return result


def deliveries_give_up(*, period: Period, subscriber_ids: list[int]) -> int:
    """Retries exhausted: record the digests still waiting as failed (their last error stays)."""
    return DigestDelivery.objects.filter(period=period.key, subscriber_id__in=subscriber_ids, status=State.RETRY).update(status=State.FAILED)
