"""Register a watched listing:

    manage.py watch_add URL --kind feed|sitemap|page [--links REGEX] [--name NAME] [--every MINUTES]
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commitments.models.watch import WatchKind
from commitments.watch.services import watch_add


class Command(BaseCommand):
    help = "Watch an official listing (RSS/Atom feed, sitemap or HTML index page) for new documents."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--kind", required=True, choices=WatchKind.values)
        parser.add_argument("--links", default="", help="A regular expression the documents' links match.")
        parser.add_argument("--name", default="")
        parser.add_argument("--every", type=int, default=15, help="Minutes between polls (default 15).")

    def handle(self, *args, **options):
        try:
            watch = watch_add(url=options["url"], kind=options["kind"], link_pattern=options["links"], name=options["name"],
                              interval_minutes=options["every"])
        except ValidationError as error:
            raise CommandError("; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())) from error
        self.stdout.write(f"Watching #{watch.id} {watch.name} ({watch.get_kind_display()}) every {watch.interval_minutes} min.")
