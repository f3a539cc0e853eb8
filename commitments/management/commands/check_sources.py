"""Check linked sources by hand, with the same code the Celery tasks run.

    manage.py check_sources --due          one run: claim and check what is due, as the worker does
    manage.py check_sources --all          check every linked URL now
    manage.py check_sources --url URL      check one URL (added if new), print JSON
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commitments.checks import scheduling, selectors, services
from commitments.checks.security import networks_parse, url_refusal
from commitments.models.checks import MonitoredUrl


class Command(BaseCommand):
    help = "Re-check the URLs linked from sources and evidence (without Celery)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--due", action="store_true", help="Check the URLs whose next check is due.")
        group.add_argument("--all", action="store_true", help="Check every linked URL now.")
        group.add_argument("--url", help="Check this one URL (added if new) and print the outcome as JSON.")

    def handle(self, *args, **options):
        now = timezone.now()
        if options["url"]:
            return self._one(options["url"], now)
        services.monitored_urls_sync(now=now)
        if options["due"]:
            report = services.checks_run(clock=timezone.now, plan=services.run_plan_from_settings())
            if report.slot is None:
                raise CommandError(f"all {settings.TRACKER_CHECK_RUNNERS} run slots are taken: runs are going already.")
            self.stdout.write(f"{report.checked} URLs checked, {report.postponed} postponed (Retry-After).")
            return
        ids = list(MonitoredUrl.objects.filter(linked=True).values_list("id", flat=True))
        checks = []
        for batch in scheduling.batches(ids, 500):
            checks += services.check_batch_run(ids=batch, claim=None, now=now)
        for check in checks:
            self.stdout.write(f"{check.health:10} {check.outcome:18} {check.status or '-':>4} {check.monitored_url.url}")
        self.stdout.write(f"{len(checks)} URLs checked.")

    def _one(self, url: str, now) -> None:
        # Only the URL's syntax here: addresses are checked by the fetcher, which records a refusal.
        if url_refusal(url, allowed=networks_parse(settings.TRACKER_CHECK_ALLOWED_NETWORKS)).startswith("not a valid URL"):
            raise CommandError(f"{url!r} is not a valid URL.")
        row = services.monitored_url_ensure(url=url, now=now)
        checks = services.check_batch_run(ids=[row.id], claim=None, now=now)
        health = selectors.latest_checks(urls=[url])[url]
        check = checks[0]
        self.stdout.write(json.dumps({
            "url": url, "outcome": check.outcome, "health": health.health, "status": check.status,
            "final_url": check.final_url, "moved_to": health.moved_to, "response_ms": check.response_ms,
            "content_hash": check.content_hash, "text_hash": check.text_hash, "content_changed": check.content_changed,
            "quote_match": check.quote_match, "quote_score": check.quote_score, "error": check.error,
            "checked_at": check.checked_at.isoformat(), "next_check_at": health.next_check_at.isoformat(),
        }, indent=2))
