from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from commitments.models import Statement

# Order matters: each file refers to rows of the ones before it.
SEED_FIXTURES = ("parties", "themes", "sources", "statements")


class Command(BaseCommand):
    help = "Load the seed sources, statements, commitments and claims (all or nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when statements exist already (so a restart never resets staff's work).",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Statement.objects.exists():
            self.stdout.write("Seed data already loaded.")
            return
        fixtures_dir = Path(settings.BASE_DIR) / "fixtures"
        with transaction.atomic():
            for name in SEED_FIXTURES:
                call_command("loaddata", str(fixtures_dir / f"{name}.json"), verbosity=options["verbosity"])
