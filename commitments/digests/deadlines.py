"""Staff alerts: a target date passed, the commitment is still open, and no evidence came in since its last status.

`deadline_alerts_send(now=...)` inserts one DeadlineAlert per such (commitment, target date), then
claims the unsent ones (FOR UPDATE SKIP LOCKED) and e-mails staff one message listing them, so
two runners never send the same deadline twice and a failed send is retried on the next run.
Only deadlines passed within TRACKER_DEADLINE_ALERT_DAYS are announced: a new deployment does
not mail every deadline in the catalogue's past.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import DateTimeField, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from commitments import permalinks
from commitments.deadlines import overdue_q, overdue_since
from commitments.emails import email_send
from commitments.history import published_updates
from commitments.models import Commitment, DeadlineAlert, Evidence

from .changes import site_url

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class AlertResult:
    found: int
    sent: int
    recipients: int


def deadlines_unmet(*, now: datetime):
    """Overdue commitments whose deadline passed recently, with no evidence published for them since their last published status."""
    today = now.date()
    last_status = Subquery(
        published_updates().filter(commitment_id=OuterRef("pk")).order_by("-published_at").values("published_at")[:1]
    )
    since = Coalesce(last_status, Value(EPOCH, output_field=DateTimeField()))
    fresh_evidence = Evidence.commitments.through.objects.filter(
        commitment_id=OuterRef("pk"), evidence__published_at__gt=OuterRef("last_status_at"),
    )
    return (
        Commitment.objects.filter(overdue_q(today=today), target_date__gte=today - timedelta(days=settings.TRACKER_DEADLINE_ALERT_DAYS))
        .annotate(last_status_at=since).filter(~Exists(fresh_evidence))
    )


def staff_recipients() -> list[str]:
    """TRACKER_DEADLINE_ALERT_TO when set, else every active staff user with an address."""
    if settings.TRACKER_DEADLINE_ALERT_TO:
        return list(settings.TRACKER_DEADLINE_ALERT_TO)
    users = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="").order_by("email")
    return list(users.values_list("email", flat=True).distinct())


def deadline_alerts_send(*, now: datetime) -> AlertResult:
    rows = [DeadlineAlert(commitment_id=pk, target_date=day, created_at=now) for pk, day in deadlines_unmet(now=now).values_list("pk", "target_date")]
    DeadlineAlert.objects.bulk_create(rows, ignore_conflicts=True)
    recipients = staff_recipients()
    if not recipients:
        return AlertResult(found=len(rows), sent=0, recipients=0)
    with transaction.atomic():
        claimed = list(
            DeadlineAlert.objects.select_for_update(skip_locked=True, of=("self",)).filter(sent_at__isnull=True)
            .select_related("commitment__statement", "commitment__parent").order_by("target_date", "commitment_id")
        )
        if claimed:
            context = {"items": [_item(alert, today=now.date()) for alert in claimed], "admin_url": site_url("/admin/commitments/commitment/")}
            for address in recipients:
                email_send(name="deadline-alert", context=context, to=address)
            DeadlineAlert.objects.filter(pk__in=[alert.pk for alert in claimed]).update(sent_at=now)
    return AlertResult(found=len(rows), sent=len(claimed), recipients=len(recipients))


def _item(alert: DeadlineAlert, *, today) -> dict:
    commitment = alert.commitment
    return {
        "label": commitment.label,
        "target_date": alert.target_date,
        "overdue_since": overdue_since(status=commitment.status, target_date=alert.target_date, today=today),
        "status": commitment.get_status_display(),
        "url": site_url(permalinks.commitment_path(statement_slug=commitment.statement.slug, number=commitment.number)),
    }
