"""Run every due watch now and process what it finds to the end, as the scheduled task does:

    manage.py watch_run --once          prints a JSON summary
"""

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from commitments.watch.services import watch_pass, watches_all_due


class Command(BaseCommand):
    help = "Poll the due watches, fetch and file every new document, print a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", required=True, help="One pass until nothing is due (the only mode).")
        parser.add_argument("--all", action="store_true", help="Treat every active watch as due now.")

    def handle(self, *args, **options):
        if options["all"]:
            watches_all_due(now=timezone.now())
        self.stdout.write(json.dumps(watch_pass().as_json(), indent=2))
