"""Print the numbered sets, points, deliverables and claims found in a text file or at a URL.

    python manage.py extract_statements statement.txt
    python manage.py extract_statements https://www.fmprc.gov.cn/... --json
"""

import json

from django.core.management.base import BaseCommand, CommandError

from commitments.intake.extract import extract
from commitments.intake.reading import ReadError, text_from_file, text_from_url


class Command(BaseCommand):
    help = "Extract the draft statements (numbered sets with verbatim points) from a file or a URL."

    def add_arguments(self, parser) -> None:
        parser.add_argument("location", help="A file (text, HTML or PDF) or an http(s) URL.")
        parser.add_argument("--json", action="store_true", help="Print the extraction as JSON.")

    def handle(self, *args, location: str, json: bool = False, **options) -> None:
        try:
            text = text_from_url(location) if location.startswith(("http://", "https://")) else text_from_file(location)
        except (ReadError, OSError) as error:
            raise CommandError(str(error)) from error
        data = extract(text).as_json()
        self.stdout.write(_json_dump(data) if json else _summary(data))


def _json_dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _summary(data: dict) -> str:
    lines = []
    for n, found in enumerate(data["sets"], 1):
        count = f"{found['announced_count']} announced" if found["announced_count"] else "count inferred"
        flag = "complete" if found["complete"] else f"INCOMPLETE: {len(found['points'])} found"
        lines.append(f"Set {n} ({count}, {flag}): {found['announcement']}")
        for point in found["points"]:
            lines.append(f"  {point['ordinal']}. [{point['start']}:{point['end']}] {point['quote']}")
            lines.extend(f"     - {d['quote']}" for d in point["deliverables"])
    lines.append(f"Claims: {len(data['claims'])}")
    lines.extend(f"  [{c['start']}:{c['end']}] {c['quote']}" for c in data["claims"])
    return "\n".join(lines) or "No numbered set found."
