"""Sending one batch of digests: claim a delivery row per subscriber, send, record the outcome.

The claim comes before the send (healthchecks-style conditional writes), so two runners, a
re-run or a re-delivered task never send a digest twice: whoever inserted the
(subscriber, period) row, or re-claimed it with a conditional UPDATE, is the only sender.
A claim whose sender died goes stale after TRACKER_DIGEST_CLAIM_TIMEOUT_MINUTES and is
taken over, so nobody is skipped either. SMTP cannot be part of a database transaction:
the one remaining window is a crash between the server accepting a message and the
"sent" UPDATE that follows it, which is one statement long.
"""

import smtplib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db.models import F, Q
from django.db.models.functions import Now

from commitments.emails import EmailBlueprint, RenderedEmail, SerialisedEmail, email_blueprint, email_copy, email_message, email_render
from commitments.models import DigestDelivery, Subscriber

from .build import DigestContent, digest_content, digest_context, subscriber_filter
from .changes import WeekChanges, week_changes_load
from .periods import Period
from .subscriptions import unsubscribe_url

State = DigestDelivery.State
# Rendered once per distinct filter with this in place of the address-specific link, then replaced.
UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.placeholder.invalid/TOKEN/"


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)  # nothing to send this week
    skipped: list[int] = field(default_factory=list)  # someone else holds or already sent it
    retry: list[int] = field(default_factory=list)  # transient failure: try again later
    failed: list[int] = field(default_factory=list)  # permanent failure, recorded

    def merge(self, other: "BatchResult") -> None:
        for name in ("sent", "empty", "skipped", "retry", "failed"):
            getattr(self, name).extend(getattr(other, name))


def subscribers_active() -> Iterator[int]:
    return Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).order_by("pk").values_list("pk", flat=True).iterator()


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


def deliveries_claim(*, subscriber_ids: list[int], period: Period, now: datetime) -> dict[int, int]:
    """Claim this period's delivery rows for these subscribers; returns {subscriber id: delivery id} of those we now hold.

    3 queries whatever the batch size: insert the missing rows (a conflict means the row
    exists: someone else's), take over rows waiting for a retry or claimed by a sender
    that died, then read back which rows carry our token.
    """
    token = uuid.uuid4().hex
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(subscriber_id=pk, period=period.key, status=State.CLAIMED, claim_token=token, claimed_at=now, attempts=1)
         for pk in subscriber_ids],
        ignore_conflicts=True,
    )
    stale = now - timedelta(minutes=settings.TRACKER_DIGEST_CLAIM_TIMEOUT_MINUTES)
    DigestDelivery.objects.filter(subscriber_id__in=subscriber_ids, period=period.key).filter(
        Q(status=State.RETRY) | Q(status=State.CLAIMED, claimed_at__lt=stale)
    ).exclude(claim_token=token).update(status=State.CLAIMED, claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    ours = DigestDelivery.objects.filter(subscriber_id__in=subscriber_ids, period=period.key, claim_token=token)
    return dict(ours.values_list("subscriber_id", "pk"))


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


def _record(*, delivery_id: int, status: str, error: Exception | None = None) -> None:
    """1 query: the outcome of one attempt, only if we still hold the claim.

    One UPDATE per e-mail, right after the server accepts it, on purpose: recording a group
    of sends at once would save most of these queries (~0.5 ms each, a tenth of an e-mail's
    cost) but a worker dying mid-group would leave the whole group claimed-but-sent, and each
    of those subscribers would get the digest twice once the claim goes stale. Per e-mail,
    that window is one message.
    """
    values = {"status": status, "last_error": _describe(error) if error else ""}
    if status == State.SENT:
        values["sent_at"] = Now()
    DigestDelivery.objects.filter(pk=delivery_id, status=State.CLAIMED).update(**values)


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


def digest_message(*, plan: _Plan, connection: BaseEmailBackend) -> EmailMessage:
    """One subscriber's e-mail: the digest's bytes with their address and unsubscribe link, or built in full."""
    link = unsubscribe_url(subscriber_id=plan.subscriber.pk)
    headers = digest_headers(unsubscribe=link)
    # Only Django's SMTP backend takes bytes as they are (message().as_bytes()); the console and locmem ones read the parts.
    if plan.digest.blueprint is not None and isinstance(connection, SMTPBackend):
        raw = email_copy(plan.digest.blueprint, to=plan.subscriber.email, headers=headers, body_value=link)
        if raw is not None:
            return SerialisedEmail(raw=raw, to=plan.subscriber.email, connection=connection)
    return email_message(rendered=plan.digest.rendered.replace(UNSUBSCRIBE_PLACEHOLDER, link), to=plan.subscriber.email,
                         headers=headers, connection=connection)


def _send_claimed(*, plans: list[_Plan], claimed: dict[int, int], connection: BaseEmailBackend, result: BatchResult) -> None:
    for position, plan in enumerate(plans):
        delivery_id = claimed[plan.subscriber.pk]
        try:
            connection.send_messages([digest_message(plan=plan, connection=connection)])
        except (smtplib.SMTPException, OSError) as error:
            if smtp_error_is_permanent(error):
                _record(delivery_id=delivery_id, status=State.FAILED, error=error)
                result.failed.append(plan.subscriber.pk)
                continue
            if _connection_survives(error):
                _release([delivery_id], error)
                result.retry.append(plan.subscriber.pk)
                continue
            # The connection is gone: hand this and every remaining digest back for a retry.
            rest = plans[position:]
            _release([claimed[p.subscriber.pk] for p in rest], error)
            result.retry.extend(p.subscriber.pk for p in rest)
            return
        _record(delivery_id=delivery_id, status=State.SENT)
        result.sent.append(plan.subscriber.pk)


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
    in the last minutes, 4 for the subscribers, 3 to claim, then one UPDATE per digest to
    record its outcome.
    """
    changes = changes or week_changes_shared(period=period, now=now)
    plans, empty = digests_plan(changes=changes, subscribers=subscribers_load(subscriber_ids))
    result = BatchResult(empty=empty)
    claimed = deliveries_claim(subscriber_ids=[plan.subscriber.pk for plan in plans], period=period, now=now) if plans else {}
    result.skipped = [plan.subscriber.pk for plan in plans if plan.subscriber.pk not in claimed]
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
    try:
        _send_claimed(plans=plans, claimed=claimed, connection=connection, result=result)
    finally:
        connection.close()
    return result


def deliveries_give_up(*, period: Period, subscriber_ids: list[int]) -> int:
    """Retries exhausted: record the digests still waiting as failed (their last error stays)."""
    return DigestDelivery.objects.filter(period=period.key, subscriber_id__in=subscriber_ids, status=State.RETRY).update(status=State.FAILED)
