"""A little history on top of the seed data, so that every page has something to show."""

from datetime import date

from django.utils import timezone

from commitments.models import Claim, Commitment, Party, Status, Verdict
from commitments.services import NewEvidence, assessment_record, status_update_record, verdict_update_record
from tests.review_support import publish

SCO = "sco-five-point-proposal-2021"
CHINA_RUSSIA = "china-russia-four-areas-2020"


def point(slug: str, ordinal: int, item: int | None = None) -> Commitment:
    found = Commitment.objects.get(statement__slug=slug, parent=None, ordinal=ordinal)
    return found if item is None else found.deliverables.get(ordinal=item)


def site_history(*, author) -> dict:
    """Status changes (one with evidence), a verdict, party assessments, each proposed by `author` and
    published by a reviewer; returns what it touched."""
    vaccines = point(SCO, 3)
    publish(status_update_record(commitment=vaccines, status=Status.IN_PROGRESS, effective_on=date(2021, 9, 1),
                                 rationale="Vaccine deliveries under way.", author=author))
    publish(status_update_record(
        commitment=vaccines, status=Status.PARTIALLY_FULFILLED, effective_on=date(2022, 3, 1), rationale="Part of the doses delivered.",
        author=author, new_evidence=[NewEvidence(url="https://news.example.org/doses", title="Doses delivered to SCO members",
                                                 publisher="Example News", published_on=date(2022, 3, 2))],
    ))
    first = point(CHINA_RUSSIA, 1)
    publish(status_update_record(commitment=first, status=Status.NOT_STARTED, effective_on=date(2020, 10, 1),
                                 rationale="No joint step announced yet.", author=author))
    deliverable = Commitment.objects.filter(statement__slug=CHINA_RUSSIA, parent__isnull=False).order_by("parent__ordinal", "ordinal").first()
    publish(status_update_record(commitment=deliverable, status=Status.STALLED, effective_on=date(2021, 1, 15),
                                 rationale="Talks paused.", author=author))
    for party in first.parties.all():
        publish(assessment_record(commitment=first, party=party, score=0 if party.slug == "china" else -1, assessed_on=date(2021, 6, 1),
                                  rationale="Statements of intent, no programme yet.", author=author))
    claim = Claim.objects.filter(statement__slug=CHINA_RUSSIA).order_by("id").first()
    publish(verdict_update_record(claim=claim, verdict=Verdict.MOSTLY_ACCURATE, rationale="Official figures give 88%.", author=author,
                                  new_evidence=[NewEvidence(url="https://stats.example.org/resumption", title="Resumption statistics")],
                                  now=timezone.now()))
    return {"vaccines": vaccines, "first": first, "deliverable": deliverable, "claim": claim,
            "party": Party.objects.get(slug="russia")}
