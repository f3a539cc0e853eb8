"""The seed catalogue re-read (#12): renderings verbatim at their offsets, membership, links,
one meaning of "party" everywhere, and seed history that is not this week's news."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from commitments.digests.build import digest_content
from commitments.digests.changes import Filter, week_changes_load
from commitments.digests.periods import period_before, period_containing
from commitments.integrity import integrity_violations
from commitments.models import Claim, Commitment, Party, Rendering, Source, Statement, Subscriber
from commitments.parties import members_at, statement_bound_parties
from commitments.text import normalize_whitespace
from tests.api_support import results
from tests.review_support import attach_published

pytest_plugins = ["tests.api_support"]

SEED_SOURCES = {
    "000": "xinhua-2020-09-17-health-community",
    "001": "people-daily-2020-09-17-china-russia-four-areas",
    "002": "xinhua-2020-09-16-wang-yi-interview",
    "003": "chinese-embassy-vietnam-2021-07-14-sco-dushanbe",
    "004": "china-news-2020-07-16-china-central-asia-meeting",
}


def _point(statement: str, number: str) -> Commitment:
    point, _, deliverable = number.partition(".")
    found = Commitment.objects.get(statement__slug=statement, parent=None, ordinal=int(point))
    return found.deliverables.get(ordinal=int(deliverable)) if deliverable else found


def test_every_rendering_is_verbatim_at_its_offsets_in_every_source(seed):
    assert integrity_violations() == []
    texts = dict(Source.objects.values_list("pk", "full_text"))
    renderings = list(Rendering.objects.values_list("source_id", "text", "start", "end"))
    assert len(renderings) == 157
    for source_id, text, start, end in renderings:
        assert normalize_whitespace(texts[source_id][start:end]) == normalize_whitespace(text)
    assert set(Source.objects.filter(renderings__isnull=False).values_list("slug", flat=True)) == set(SEED_SOURCES.values())
    for model in (Commitment, Claim):
        for obj in model.objects.prefetch_related("renderings"):
            primaries = [r for r in obj.renderings.all() if r.is_primary]
            assert len(primaries) == 1 and (primaries[0].source_id, primaries[0].text) == (obj.source_id, obj.quote)


def test_the_china_russia_points_have_all_three_renderings(seed, api):
    wanted = {SEED_SOURCES["000"], SEED_SOURCES["001"], SEED_SOURCES["002"]}
    points = Commitment.objects.filter(statement__slug="china-russia-four-areas-2020", parent=None)
    assert points.count() == 4
    for point in points:
        assert set(point.renderings.values_list("source__slug", flat=True)) == wanted, point
        assert point.renderings.get(is_primary=True).is_translation is False  # the English original leads
    second = _point("china-russia-four-areas-2020", "2")
    row = api.get(f"/api/v1/commitments/{second.pk}/").json()
    texts = [r["text"] for r in row["renderings"]]
    assert "setting an exemplar of major-country peaceful coexistence" in texts
    assert any(t.startswith("The second is to become a model of harmonious coexistence") for t in texts)
    assert row["renderings"][0]["is_primary"] and row["quote"] == row["renderings"][0]["text"]


def test_sco_membership_resolves_at_each_statements_date(seed):
    sco = Party.objects.get(slug="sco")
    moscow, dushanbe = Statement.objects.get(slug="sco-cfm-moscow-2020-five-results"), Statement.objects.get(slug="sco-five-point-proposal-2021")
    eight = {"china", "russia", "kazakhstan", "kyrgyzstan", "tajikistan", "uzbekistan", "india", "pakistan"}
    for statement in (moscow, dushanbe):
        assert set(statement_bound_parties(statement=statement).values_list("slug", flat=True)) == eight | {"sco"}
    today = set(members_at(organisation=sco, on=datetime.now(UTC).date()).values_list("slug", flat=True))
    assert today == eight | {"iran", "belarus"}, "members since 2023 and 2024 belong to the SCO now, not in 2020-21"
    china_ca = Statement.objects.get(slug="china-central-asia-four-suggestions-2020")
    assert set(statement_bound_parties(statement=china_ca).values_list("slug", flat=True)) == {
        "china-central-asia", "china", "kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"
    }


@pytest.mark.parametrize(("api_filter", "digest_filter", "stats_key"), [
    ("bound_party", "party_ids", "by_bound_party"),
    ("responsible_party", "responsible_party_ids", "by_responsible_party"),
])
def test_one_party_filter_gives_the_same_count_in_the_api_the_digest_and_the_stats(seed, api, api_filter, digest_filter, stats_key):
    kz = Party.objects.get(slug="kazakhstan")
    listed = api.get(f"/api/v1/commitments/?{api_filter}=kazakhstan&page_size=500").json()["count"]
    stats = api.get("/api/v1/stats/").json()
    assert api.get(f"/api/v1/stats/?{api_filter}=kazakhstan").json()["total"] == listed
    assert next(p["total"] for p in stats[stats_key] if p["slug"] == "kazakhstan") == listed
    changes = week_changes_load(period=period_before(now=timezone.now()))
    assert digest_content(changes=changes, digest_filter=Filter(**{digest_filter: frozenset({kz.pk})})).followed == listed
    assert listed > 0


def test_the_old_party_filter_means_bound_party_and_the_preview_agrees(seed, api, admin_client):
    bound = api.get("/api/v1/commitments/?bound_party=kazakhstan").json()["count"]
    assert api.get("/api/v1/commitments/?party=kazakhstan").json()["count"] == bound
    assert bound == Commitment.objects.filter(statement__slug__in=[
        "anti-pandemic-four-measures-2020", "sco-cfm-moscow-2020-five-results", "belt-and-road-resumption-four-points-2020",
        "security-cooperation-three-areas-2020", "sco-five-point-proposal-2021", "china-central-asia-four-suggestions-2020",
        "anti-pandemic-fortress-health-silk-road-2020", "central-asia-ministers-positions-2020",
    ]).count()
    subscriber = Subscriber.objects.create(email="kz@example.org", confirmed_at=timezone.now())
    subscriber.parties.add(Party.objects.get(slug="kazakhstan"))
    page = admin_client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/").content.decode()
    assert f'<span id="followed">{bound}</span>' in page


def test_loading_the_seeds_today_gives_an_empty_week(seed, api):
    now = timezone.now()
    for period in (period_containing(moment=now), period_before(now=now)):
        assert digest_content(changes=week_changes_load(period=period), digest_filter=Filter()).is_empty, period
    since = (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for url in ("commitments", "claims", "statements", "sources"):
        assert results(api.get(f"/api/v1/{url}/?updated_since={since}")) == [], url


def test_inferred_counts_are_labelled(seed, api, admin_client):
    statements = {s["slug"]: s for s in results(api.get("/api/v1/statements/"))}
    assert statements["sco-cfm-moscow-2020-five-results"]["count_kind"] == "inferred"
    assert statements["sco-cfm-moscow-2020-five-results"]["count_label"] == "5 (inferred from ordinals)"
    assert statements["belt-and-road-resumption-four-points-2020"]["count_label"] == "4 (inferred from ordinals)"
    assert statements["china-russia-four-areas-2020"]["count_label"] == "4 (announced)"
    assert statements["afghan-peace-process-2020"]["count_kind"] == "unnumbered"
    assert [s["slug"] for s in results(api.get("/api/v1/statements/?count_kind=inferred"))] == [
        "sco-cfm-moscow-2020-five-results", "belt-and-road-resumption-four-points-2020"
    ]
    assert "5 (inferred from ordinals)" in admin_client.get("/admin/commitments/statement/").content.decode()


def test_the_catalogue_says_what_the_sources_say(seed, api):
    experts = Claim.objects.get(quote__startswith="So far, nearly 2,000 Chinese experts")
    assert "invited to return" in experts.title
    assert _point("belt-and-road-resumption-four-points-2020", "3.2").title.startswith("All countries")
    projects = _point("china-russia-four-areas-2020", "3.1")
    assert "1,000" not in projects.quote and projects.renderings.count() == 2  # the original has no figure
    thousand = Claim.objects.get(title__contains="Well over 1,000")
    assert api.get(f"/api/v1/claims/{thousand.pk}/").json()["translation_only"] is True
    assert api.get(f"/api/v1/claims/{experts.pk}/").json()["translation_only"] is True
    assert api.get(f"/api/v1/commitments/{projects.pk}/").json()["translation_only"] is False
    for words in ("regular meetings of foreign ministers with China", "supporter, mediator and facilitator", "anti-pandemic fortress",
                  "Health Silk Road", "The origin tracing of COVID-19", "outer space security"):
        assert Rendering.objects.filter(commitment__isnull=False, text__contains=words).exists(), words


def test_the_seed_links_show_on_both_ends(seed, api):
    later, earlier = _point("sco-five-point-proposal-2021", "5"), _point("sco-cfm-moscow-2020-five-results", "2")
    out = api.get(f"/api/v1/commitments/{later.pk}/").json()["links"]
    assert {"label": "reaffirms", "commitment": earlier.pk, "direction": "out"}.items() <= next(
        link for link in out if link["commitment"] == earlier.pk
    ).items()
    back = api.get(f"/api/v1/commitments/{earlier.pk}/").json()["links"]
    assert [(link["label"], link["commitment"]) for link in back] == [("reaffirmed by", later.pk)]
    statements = {s["slug"]: s for s in results(api.get("/api/v1/statements/"))}
    assert [link["label"] for link in statements["sco-cfm-moscow-2020-five-results"]["links"]] == ["reaffirmed by"]
    assert statements["sco-five-point-proposal-2021"]["links"][0]["statement"]["slug"] == "sco-cfm-moscow-2020-five-results"


def test_evidence_on_two_bound_points_is_listed_once(seed, api, make_evidence):
    evidence = make_evidence(title="Joint report")
    attach_published(evidence=evidence, commitments=[_point("sco-five-point-proposal-2021", "1"), _point("sco-five-point-proposal-2021", "2")])
    assert [row["id"] for row in results(api.get("/api/v1/evidence/?bound_party=kazakhstan"))] == [evidence.pk]
    assert results(api.get("/api/v1/evidence/?bound_party=mongolia")) == []
