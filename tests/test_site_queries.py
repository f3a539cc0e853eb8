"""Each public page costs a fixed number of queries, whatever the size of the data (pinned here)."""

from datetime import date

import pytest

from commitments.links import commitment_link, statement_link
from commitments.models import LinkKind, Party, Status
from commitments.renderings import claim_create, commitment_create, rendering_add
from commitments.services import assessment_record, status_update_record, verdict_update_record
from tests.review_support import publish

pytestmark = pytest.mark.django_db

# Queries per page, with the aggregates computed (inside the test's transaction nothing is cached), whatever the data's size.
# The overview, the statements and the parties index read cached aggregates: their cache hits are pinned in test_aggregates_stamp.py.
PINNED = {"overview": 8, "statement": 13, "point": 13, "deliverable": 12, "party": 7, "claim": 9, "changes": 7, "search": 12,
          "statements": 6, "parties": 7, "claims": 3}


def build(make_statement, make_source, author, *, statements: int) -> dict:
    """`statements` statements of 4 points with 2 deliverables each, two bound parties, history on every commitment."""
    parties = [Party.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0] for slug in ("alpha", "beta")]
    second_source = make_source()
    previous = None
    for _ in range(statements):
        statement = make_statement(points=4)
        statement.parties.add(*parties)
        for point in statement.commitments.all():
            point.parties.add(*parties)
            for ordinal in (1, 2):
                commitment_create(statement=statement, parent=point, ordinal=ordinal, title=f"Item {ordinal}", source=point.source,
                                  quote=point.quote)
            # A second wording in another source, and a link to the statement before.
            rendering_add(target=point, source=second_source, text="the two countries will support international anti-pandemic cooperation")
        for c in statement.commitments.all():
            publish(status_update_record(commitment=c, status=Status.IN_PROGRESS, effective_on=date(2021, 1, 1), rationale="Under way.",
                                         author=author))
            if c.parent_id is None:
                for party in parties:
                    publish(assessment_record(commitment=c, party=party, score=1, assessed_on=date(2021, 2, 1), rationale="Done.",
                                              author=author))
        if previous is not None:
            commitment_link(from_commitment=statement.commitments.get(parent=None, ordinal=1),
                            to_commitment=previous.commitments.get(parent=None, ordinal=1), kind=LinkKind.REAFFIRMS, rationale="Same words.")
            statement_link(from_statement=statement, to_statement=previous, kind=LinkKind.REAFFIRMS, rationale="Follows it up.")
        previous = statement
        claim = claim_create(statement=statement, source=statement.sources.first(), title="A claim",
                             quote="The resumption rate of cooperation projects has reached about 90%.")
        claim.parties.add(parties[0])
        publish(verdict_update_record(claim=claim, verdict="accurate", rationale="Checked.", author=author))
    point = statement.commitments.get(parent=None, ordinal=2)
    return {
        "overview": "/", "statement": statement.get_absolute_url(), "point": point.get_absolute_url(),
        "deliverable": point.deliverables.first().get_absolute_url(), "party": "/parties/alpha/", "claim": claim.get_absolute_url(),
        "changes": f"/changes/?party=alpha&status=in_progress&statement={statement.slug}", "search": "/search/?q=cooperation&party=alpha",
        "statements": "/statements/", "parties": "/parties/", "claims": "/claims/?verdict=accurate",
    }


@pytest.mark.parametrize("size", [1, 6])
def test_every_page_type_stays_within_its_pinned_query_count(client, make_statement, make_source, alice, django_assert_max_num_queries, size):
    urls = build(make_statement, make_source, alice, statements=size)
    for name, url in urls.items():
        with django_assert_max_num_queries(PINNED[name]):
            response = client.get(url)
        assert response.status_code == 200, (name, url)
