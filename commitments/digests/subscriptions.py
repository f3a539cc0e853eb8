"""Subscribe (double opt-in), confirm and unsubscribe. Links carry tokens signed with SECRET_KEY.

Asking to subscribe sends one e-mail, the confirmation, and changes nothing an existing
subscriber receives: the requested filters travel inside the signed link and are applied
only when it is followed. So nobody can subscribe, or re-filter, someone else's address.
"""

import logging
import smtplib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from commitments.emails import email_send
from commitments.models import Party, Statement, Subscriber, Theme

from .changes import site_url

logger = logging.getLogger(__name__)
SENT_MESSAGE = "If the address is valid, a confirmation e-mail is on its way: follow its link to start receiving the digest."
SEND_FAILED = "We could not send the confirmation e-mail just now. Please try again in a few minutes."
CONFIRM_SALT = "commitments.digests.confirm"
UNSUBSCRIBE_SALT = "commitments.digests.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)


class InvalidToken(Exception):
    """A link that was tampered with, truncated or (for confirmation) is older than seven days or than an unsubscribe."""


def unsubscribe_token(*, subscriber_id: int) -> str:
    # No expiry: the link in a two-year-old digest must still work.
    return signing.dumps(subscriber_id, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, subscriber_id: int) -> str:
    return site_url(reverse("digests:unsubscribe", args=[unsubscribe_token(subscriber_id=subscriber_id)]))


def subscriber_from_token(*, token: str) -> Subscriber:
    try:
        subscriber_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return Subscriber.objects.get(pk=subscriber_id)
    except (signing.BadSignature, Subscriber.DoesNotExist) as error:
        raise InvalidToken from error


def _confirm_token(
    *, email: str, statements: Iterable[Statement], parties: Iterable[Party], themes: Iterable[Theme], responsible_parties: Iterable[Party]
) -> str:
    payload = {"e": email, "s": sorted(s.pk for s in statements), "p": sorted(p.pk for p in parties), "t": sorted(t.pk for t in themes)}
    payload["r"] = sorted(p.pk for p in responsible_parties)
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def _subscriber_get_or_create(*, email: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(email__iexact=email).first()
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email)
    except IntegrityError:  # created concurrently: the address is unique whatever its case
        return Subscriber.objects.get(email__iexact=email)


def subscription_request(
    *, email: str, statements: Iterable[Statement] = (), parties: Iterable[Party] = (), themes: Iterable[Theme] = (),
    responsible_parties: Iterable[Party] = (),
) -> None:
    """Start double opt-in: record the address (unconfirmed if new) and send the confirmation e-mail.

    `parties` are bound parties (commitments.parties.bound_party_q), `responsible_parties` responsible ones.

    Raises the backend's SMTP errors, so the caller can tell the person to try again.
    """
    email = email.strip()
    statements, parties, themes, responsible = list(statements), list(parties), list(themes), list(responsible_parties)
    _subscriber_get_or_create(email=email)
    token = _confirm_token(email=email, statements=statements, parties=parties, themes=themes, responsible_parties=responsible)
    context = {
        "confirm_url": site_url(reverse("digests:confirm", args=[token])),
        "filter_names": ", ".join(item.name if hasattr(item, "name") else item.title for item in [*statements, *parties, *responsible, *themes]),
        "site_url": site_url(""),
    }
    email_send(name="confirm-subscription", context=context, to=email)


def subscription_request_sent(*, data: dict) -> bool:
    """subscription_request() from the subscribe page's or the API's cleaned data (`parties` and `bound_parties` are
    both bound parties); False, with the error logged, when the confirmation e-mail could not be sent."""
    try:
        subscription_request(
            email=data["email"], statements=data.get("statements") or (), themes=data.get("themes") or (),
            parties=[*(data.get("parties") or ()), *(data.get("bound_parties") or ())], responsible_parties=data.get("responsible_parties") or (),
        )
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send a subscription confirmation")
        return False
    return True


def confirm_token_check(*, token: str) -> dict:
    """The signed request inside a confirmation link; InvalidToken if tampered with or expired."""
    try:
        return signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise InvalidToken from error


def _confirm_token_issued(token: str) -> datetime:
    """When a (checked) confirmation link was signed: Django's signed value ends in `:timestamp:signature`."""
    return datetime.fromtimestamp(signing.b62_decode(token.rsplit(signing.Signer().sep, 2)[-2]), tz=UTC)


def _confirm_token_outdated(*, token: str, subscriber: Subscriber) -> bool:
    """A link signed before (or in the second of) the latest unsubscribe: unsubscribing cancels every link sent before it.

    The signature's time has whole seconds, so a link asked for in the same second as the unsubscribe counts as older.
    """
    if subscriber.unsubscribed_at is None:
        return False
    return _confirm_token_issued(token) <= subscriber.unsubscribed_at


@transaction.atomic
def subscription_confirm(*, token: str, now: datetime) -> Subscriber:
    """Apply a followed confirmation link: the subscriber is active from now, with the filters asked for."""
    payload = confirm_token_check(token=token)
    subscriber = _subscriber_get_or_create(email=payload["e"])
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if _confirm_token_outdated(token=token, subscriber=subscriber):
        raise InvalidToken("This confirmation link was sent before the address unsubscribed.")
    # Ids that no longer exist are dropped rather than failing the confirmation.
    subscriber.statements.set(Statement.objects.filter(pk__in=payload["s"]))
    subscriber.parties.set(Party.objects.filter(pk__in=payload["p"]))
    subscriber.themes.set(Theme.objects.filter(pk__in=payload["t"]))
    subscriber.responsible_parties.set(Party.objects.filter(pk__in=payload.get("r", [])))  # links sent before it had none
    if subscriber.confirmed_at is None or subscriber.unsubscribed_at is not None:
        subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscriber


@transaction.atomic
def subscription_cancel(*, subscriber: Subscriber, now: datetime) -> None:
    """Unsubscribe at once: the next batch will not pick this address (a second click changes nothing).

    Saved through the model, not .update(), so the audit trail records it; the row lock keeps two clicks to one entry.
    """
    row = Subscriber.objects.select_for_update().filter(pk=subscriber.pk, unsubscribed_at__isnull=True).first()
    if row is not None:
        row.unsubscribed_at = now
        row.save(update_fields=["unsubscribed_at"])
