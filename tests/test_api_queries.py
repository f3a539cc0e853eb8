"""Every list costs a fixed number of queries, whatever its length (5 rows or 50)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Claim, Commitment, Status
from commitments.services import assessment_record, verdict_update_record
from tests.api_support import record_status
from tests.review_support import attach_published, publish

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures

# Queries per request: the ETag aggregate (which also gives the count), the page, one per prefetch.
LISTS = {
    "/api/v1/commitments/": 2,  # fingerprint, then the page with its rows, renderings and links (one statement on PostgreSQL)
    "/api/v1/statements/": 9,  # fingerprint, page, parties, sources, links out, links in; bound parties: direct, members, slugs
    "/api/v1/claims/": 5,  # fingerprint, page, renderings, parties, themes
    "/api/v1/evidence/": 5,  # fingerprint, page, commitments, claims, latest checks
    "/api/v1/parties/": 2,  # count, page (ETag from content)
    "/api/v1/themes/": 2,
    "/api/v1/sources/": 3,  # fingerprint, page, latest checks
    "/api/v1/assessments/": 3,  # fingerprint, page (+ party), evidence
    # The cached aggregates, computed: inside a transaction (as in these tests) the aggregate stamp cannot move before COMMIT,
    # so they are never cached there; their cache hits (one query each) are pinned in test_aggregates_stamp.py.
    "/api/v1/stats/": 4,  # every count with its labels in one statement; bound parties (2), their names
    "/api/v1/stats/compliance/": 1,  # the latest cells with their commitments and parties, one query
    "/api/v1/stats/status-over-time/": 1,  # one SQL statement
    "/api/v1/feeds/status-changes.atom": 1,  # a page (cursor) with its commitments and statements
    "/api/v1/status-changes/": 3,  # fingerprint, a page (cursor) with its commitments and statements, evidence ids
}


def build(n: int, make_statement, make_party, make_evidence, theme, alice) -> None:
    statement = make_statement(points=n)
    statement.sources.update(url="https://news.example.org/source")  # so sources ask for their latest check
    party = make_party()
    statement.parties.add(party)  # so the bound-party counts have something to count
    for commitment in statement.commitments.all():
        commitment.parties.add(party)
        commitment.themes.add(theme)
        Commitment.objects.create(statement=statement, parent=commitment, ordinal=1, title="d", source=commitment.source, quote=commitment.quote)
        evidence = make_evidence()
        attach_published(evidence=evidence, commitments=[commitment])
        record_status(commitment, alice, Status.IN_PROGRESS, date(2021, 1, 1), evidence=[evidence])
        publish(assessment_record(commitment=commitment, party=party, score=1, assessed_on=date(2021, 1, 1), rationale="r", author=alice,
                                  evidence=[evidence]))
        claim = Claim.objects.create(statement=statement, source=commitment.source, title="c", quote=commitment.quote)
        claim.parties.add(party)
        publish(verdict_update_record(claim=claim, verdict="false", rationale="r", author=alice))


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("n", [5, 50])
def test_every_list_costs_a_fixed_number_of_queries(api, n, make_statement, make_party, make_evidence, theme, alice, django_assert_max_num_queries):
    build(n, make_statement, make_party, make_evidence, theme, alice)
    for url, expected in LISTS.items():
        first, repeat = expected if isinstance(expected, tuple) else (expected, expected)
        with django_assert_max_num_queries(first):
            response = api.get(url)
        assert response.status_code == 200, url
        assert queries_for(api, url) == repeat, url


def test_the_commitments_page_has_the_rows_it_claims(api, make_statement, make_party, make_evidence, theme, alice):
    build(50, make_statement, make_party, make_evidence, theme, alice)
    page = api.get("/api/v1/commitments/?page_size=100").json()
    assert page["count"] == 100 and len(page["results"]) == 100
