from django.core.management.base import BaseCommand

from commitments.intervals import intervals_rebuild
from commitments.models import Commitment, StatusInterval, StatusUpdate


class Command(BaseCommand):
    help = "Rewrite every commitment's status intervals from its status history (a repair; the history is untouched)."

    def handle(self, *args, **options) -> None:
        written = intervals_rebuild(commitment_model=Commitment, update_model=StatusUpdate, interval_model=StatusInterval)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {written} status intervals."))
