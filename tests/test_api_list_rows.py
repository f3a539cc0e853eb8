"""The commitments list's fast path: one SQL statement on PostgreSQL, the same rows as the ORM."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.fields import DateTimeField

from commitments.api.serializers import CommitmentSerializer, commitment_representations, iso_formatter
from commitments.models import Commitment, CommitmentLink, Evidence, LinkKind, Rendering, Status
from commitments.selectors import rows as list_rows
from tests.api_support import record_status, results
from tests.review_support import attach_published

pytest_plugins = ["tests.api_support"]  # the api client and no-throttling fixtures


@pytest.fixture
def rich(make_statement, make_party, make_source, theme, make_evidence, alice) -> list[int]:
    """Points with deliverables, parties and themes (out of name order), evidence with a tie on created_at."""
    statement = make_statement(points=3)
    zulu, alpha = make_party(slug="zulu", name="Zulu"), make_party(slug="alpha", name="Alpha")
    p1, p2, p3 = statement.commitments.order_by("ordinal")
    d2 = Commitment.objects.create(statement=statement, parent=p1, ordinal=2, title="d2", source=p1.source, quote=p1.quote)
    d1 = Commitment.objects.create(statement=statement, parent=p1, ordinal=1, title="d1", source=p1.source, quote=p1.quote)
    p1.parties.add(zulu, alpha)
    p1.themes.add(theme)
    d1.parties.add(zulu)
    tied = [make_evidence(published_on=date(2021, 3, 1)), make_evidence()]
    Evidence.objects.filter(pk__in=[e.pk for e in tied]).update(created_at=datetime(2021, 3, 1, 12, 30, 15, 123456, tzinfo=UTC))
    attach_published(evidence=tied[0], commitments=[p1, d2])
    attach_published(evidence=tied[1], commitments=[p1])
    record_status(p2, alice, Status.STALLED, date(2021, 7, 1))
    p3.target_date = date(2030, 1, 1)
    p3.save()
    # Renderings in two sources (the primary, made with the point, first whatever its date) and links from both ends, one to a deliverable.
    other_source = make_source(published_on=date(2019, 1, 1))
    Rendering.objects.create(commitment=p1, source=other_source, text="Chine et Russie ...", language="fr", is_translation=True, translator="X")
    CommitmentLink.objects.create(from_commitment=p2, to_commitment=p1, kind=LinkKind.REAFFIRMS, rationale="Same words.")
    CommitmentLink.objects.create(from_commitment=p1, to_commitment=d2, kind=LinkKind.IMPLEMENTS, rationale="A step.", source=other_source)
    return [d1.pk, p3.pk, p1.pk, d2.pk, p2.pk]


def test_the_single_query_gives_the_same_rows_as_the_portable_path(rich):
    assert connection.vendor == "postgresql", "the suite runs on PostgreSQL, where the single-statement path is used"
    fast = list_rows.commitment_rows(ids=rich)
    assert fast == list_rows.commitment_rows(ids=rich, portable=True)
    assert [row["id"] for row in fast] == rich, "in the order asked for"
    p1 = fast[2]
    assert p1["parties"] == ["alpha", "zulu"] and p1["deliverables"] == [rich[0], rich[3]] and p1["evidence_count"] == 2
    assert p1["latest_evidence"]["id"] == max(Evidence.objects.values_list("pk", flat=True)), "a tie on created_at goes to the newest id"
    assert [r["language"] for r in p1["renderings"]] == ["en", "fr"] and p1["renderings"][1]["translator"] == "X"
    links = [(link["direction"], link["label"], link["number"]) for link in p1["links"]]
    assert links == [("out", "implements", "1.2"), ("in", "reaffirmed by", "2")]


def test_the_single_query_is_one_query(rich, django_assert_num_queries):
    assert connection.vendor == "postgresql", "the suite runs on PostgreSQL, where the single-statement path is used"
    with django_assert_num_queries(1):  # the rows with their renderings and links, in one statement
        list_rows.commitment_rows(ids=rich)


def test_the_portable_path_reads_long_lists_in_chunks(rich, monkeypatch):
    whole = list_rows.commitment_rows(ids=rich, portable=True)
    monkeypatch.setattr(list_rows, "PORTABLE_CHUNK", 2)
    with CaptureQueriesContext(connection) as captured:
        assert list_rows.commitment_rows(ids=[*rich, 10**9], portable=True) == whole, "unknown ids are left out"
    assert len(captured) == 3 * 6 + 2  # three chunks: the rows, four prefetches, the evidence counts; then renderings, links


def test_a_detail_shows_the_same_representation_as_the_list(api, rich):
    listed = {row["id"]: row for row in results(api.get("/api/v1/commitments/"))}
    for pk in rich:
        assert api.get(f"/api/v1/commitments/{pk}/").json() == listed[pk]
    assert set(listed[rich[0]]) == set(CommitmentSerializer().fields)


def test_csv_exports_and_syncs_cost_a_fixed_number_of_queries(api, rich, django_assert_num_queries):
    for url in ["/api/v1/commitments/?format=csv", "/api/v1/commitments/?updated_since=2000-01-01T00:00:00Z&page_size=2"]:
        with django_assert_num_queries(3):  # fingerprint, keys, rows (with their renderings and links)
            assert api.get(url).status_code == 200


def test_the_browsable_api_still_shows_the_list(api, rich):
    response = api.get("/api/v1/commitments/?format=api")
    assert response.status_code == 200 and b"Point 1" in response.content and b"alpha" in response.content


@pytest.mark.parametrize("tz", [UTC, ZoneInfo("Asia/Shanghai"), ZoneInfo("America/St_Johns")])
def test_the_fast_datetime_format_is_drfs(tz, settings):
    drf = DateTimeField(default_timezone=tz)
    for value in [datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 1, 3, 4, 5, 678, tzinfo=UTC), datetime.now(UTC) - timedelta(days=200)]:
        assert iso_formatter(tz)(value) == drf.to_representation(value)
    assert iso_formatter(tz)(None) is None


def test_representations_use_the_active_time_zone(rich, settings):
    from django.utils import timezone

    row = list_rows.commitment_rows(ids=rich[:1], portable=True)
    with timezone.override(ZoneInfo("Asia/Shanghai")):
        shown = commitment_representations(row)[0]
    assert shown["created_at"].endswith("+08:00")


def _every_page(api, query: str) -> list[dict]:
    rows = []
    for page in (1, 2, 3):
        rows += results(api.get(f"/api/v1/commitments/?{query}&page_size=2&page={page}"))
    return rows


def test_a_page_read_in_one_statement_keeps_the_lists_order_and_filters(api, rich):
    assert [row["id"] for row in _every_page(api, "ordering=-id")] == sorted(rich, reverse=True)
    by_ordinal = _every_page(api, "ordering=ordinal")
    assert sorted(row["id"] for row in by_ordinal) == sorted(rich)
    assert [row["ordinal"] for row in by_ordinal] == sorted(row["ordinal"] for row in by_ordinal)
    assert [row["id"] for row in results(api.get("/api/v1/commitments/?ordering=-id&status=stalled"))] == [rich[4]]
    assert api.get("/api/v1/commitments/?page=9").status_code == 404


def test_an_empty_list_is_an_empty_page(api, db):
    page = api.get("/api/v1/commitments/").json()
    assert page["count"] == 0 and page["results"] == []
    assert api.get("/api/v1/commitments/?statement=nothing").json()["results"] == []
