"""Sources and evidence in the API carry the latest source-check result of their URL."""

from datetime import UTC, datetime

from commitments.models import Health, MonitoredUrl, QuoteMatch

pytest_plugins = ["tests.api_support"]

CHECKED = datetime(2026, 11, 20, 6, tzinfo=UTC)


def monitored(url: str, **fields) -> MonitoredUrl:
    fields = {"added_at": CHECKED, "next_check_at": CHECKED, "last_checked_at": CHECKED, **fields}
    return MonitoredUrl.objects.create(url=url, **fields)


def test_it_shows_a_moved_source_with_its_new_address(api, make_source):
    source = make_source(url="https://old.example.org/article")
    monitored(source.url, health=Health.MOVED, moved_to="https://new.example.org/article", last_status=301,
              quote_match=QuoteMatch.EXACT)

    listed = api.get("/api/v1/sources/").json()["results"][0]["latest_check"]
    detail = api.get(f"/api/v1/sources/{source.pk}/").json()["latest_check"]

    assert listed == detail
    assert (listed["health"], listed["moved_to"], listed["last_status"]) == ("moved", "https://new.example.org/article", 301)
    assert listed["quote_match"] == "exact"


def test_it_shows_evidence_whose_quote_went_missing_and_null_for_unchecked_urls(api, make_evidence):
    checked = make_evidence(url="https://news.example.org/checked", excerpt="the quoted words")
    make_evidence(url="https://news.example.org/never-checked")
    monitored(checked.url, health=Health.OK, quote_match=QuoteMatch.MISSING, quotes_missing=1)

    rows = {row["url"]: row["latest_check"] for row in api.get("/api/v1/evidence/").json()["results"]}

    assert rows["https://news.example.org/never-checked"] is None
    assert rows[checked.url]["quote_match"] == "missing" and rows[checked.url]["quotes_missing"] == 1


def test_a_source_without_an_address_has_no_check(api, make_source):
    make_source(url="")
    assert api.get("/api/v1/sources/").json()["results"][0]["latest_check"] is None
