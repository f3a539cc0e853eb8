"""Attach the seed sets' real originals (fixtures/originals/*.txt) as renderings of the points they carry.

    python manage.py load_originals            # after load_seed; a file already loaded (same URL) is skipped

Each file names its `# source:` URL, the `# seed:` statement and its `# provenance:`; the text is
taken as held, never written or translated by us. See fixtures/originals/README.md.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from commitments.audit import audit_source
from commitments.intake.drafts import DraftSource
from commitments.intake.originals import originals_attach
from commitments.intake.services import source_from_draft
from commitments.models import Source, Statement

HEADER_END = "# ---\n"


def original_read(path: Path) -> tuple[dict[str, str], str]:
    header, text = path.read_text(encoding="utf-8").split(HEADER_END, 1)
    fields = {}
    for line in header.splitlines():
        key, _, value = line.removeprefix("# ").partition(":")
        fields[key.strip()] = value.strip()
    return fields, text


class Command(BaseCommand):
    help = "Attach the seed sets' real originals (fixtures/originals/) as renderings of the points they carry."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--folder", default=str(Path(settings.BASE_DIR) / "fixtures" / "originals"))

    def handle(self, *args, folder: str, **options) -> None:
        for path in sorted(Path(folder).glob("*.txt")):
            fields, text = original_read(path)
            slug = fields.get("seed", "").split()[0] if fields.get("seed") else ""
            statement = Statement.objects.filter(slug=slug).first()
            if statement is None:
                raise CommandError(f"{path.name}: no statement {slug!r} (run load_seed first)")
            if Source.objects.filter(url=fields["source"]).exists():
                self.stdout.write(f"{path.name}: already loaded")
                continue
            with transaction.atomic(), audit_source("command"):
                source = source_from_draft(DraftSource(
                    title=f"{statement.title} (original)", publisher=urlsplit(fields["source"]).hostname or "", url=fields["source"],
                    full_text=text,
                ))
                made = originals_attach(statement=statement, source=source)
            self.stdout.write(f"{path.name}: {len(made)} point(s) of {slug} ({source.language}): {', '.join(str(r.target.ordinal) for r in made)}")
