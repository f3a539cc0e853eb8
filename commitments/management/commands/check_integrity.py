from django.core.management.base import BaseCommand, CommandError

from commitments.integrity import integrity_violations


class Command(BaseCommand):
    help = "List every violation of the integrity rules; exit non-zero if there is one."

    def handle(self, *args, **options) -> None:
        violations = integrity_violations()
        for violation in violations:
            self.stdout.write(str(violation))
        if violations:
            raise CommandError(f"{len(violations)} integrity violation(s).")
        self.stdout.write(self.style.SUCCESS("No integrity violations."))
