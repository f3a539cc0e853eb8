"""Send the weekly digests by hand: the same code the Celery tasks run, batch by batch, in this process.

    python manage.py send_digests                    # last week's digests to every confirmed subscriber
    python manage.py send_digests --week 2024-W05    # a given ISO week (already-sent digests are skipped)
    python manage.py send_digests --dry-run          # who would get what; nothing claimed, nothing sent
    python manage.py send_digests --to you@example.org   # last week's unfiltered digest to one address
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commitments.digests.build import digest_content
from commitments.digests.changes import Filter, site_url, week_changes_load
from commitments.digests.delivery import (
    BatchResult,
    chunked,
    digest_render,
    digests_plan,
    digests_send_batch,
    subscribers_active,
    subscribers_load,
)
from commitments.digests.periods import Period, period_before, period_parse
from commitments.emails import email_message


class Command(BaseCommand):
    help = "Send the weekly digest e-mails (last full ISO week by default)."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week, e.g. 2024-W05 (default: the week before this one).")
        parser.add_argument("--dry-run", action="store_true", help="Build every digest and report; send nothing, record nothing.")
        parser.add_argument("--to", metavar="EMAIL", help="Send the week's unfiltered digest to this one address (no subscriber needed).")

    def handle(self, *args, week=None, dry_run=False, to=None, **options):
        now = timezone.now()
        try:
            period = period_parse(week) if week else period_before(now=now)
        except ValueError as error:
            raise CommandError(str(error)) from error
        changes = week_changes_load(period=period)
        if to:
            return self.send_to(period=period, changes=changes, to=to)
        result = BatchResult()
        for ids in chunked(subscribers_active(), settings.TRACKER_DIGEST_BATCH_SIZE):
            if dry_run:
                plans, empty = digests_plan(changes=changes, subscribers=subscribers_load(ids))
                for plan in plans:
                    self.stdout.write(f"{plan.subscriber.email}: {plan.content.change_count} changes")
                result.merge(BatchResult(sent=[plan.subscriber.pk for plan in plans], empty=empty))
            else:
                result.merge(digests_send_batch(period=period, subscriber_ids=ids, now=now, changes=changes))
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{period.key}: {verb} {len(result.sent)}, empty {len(result.empty)}, already done {len(result.skipped)}, "
            f"to retry {len(result.retry)}, failed {len(result.failed)}."
        )

    def send_to(self, *, period: Period, changes, to: str) -> None:
        """A test send: no subscriber row, no delivery row, so it can be repeated freely."""
        content = digest_content(changes=changes, digest_filter=Filter())
        # Nobody to unsubscribe: the footer points at the subscription page, and no one-click
        # List-Unsubscribe header is sent, since a mail client's POST there would do nothing.
        rendered = digest_render(content=content, unsubscribe=site_url("/subscribe/"))
        email_message(rendered=rendered, to=to).send()
        self.stderr.write(f"Sent the {period.key} digest ({content.change_count} changes) to {to}.")
