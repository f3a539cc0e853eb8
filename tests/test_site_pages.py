"""The public site, page by page, through Django's test client (the browser tests are in test_site_browser.py)."""

import json
import re
from datetime import date

import pytest
from django.utils.html import escape

from commitments.models import Claim, Commitment, Party, Statement, Status
from commitments.parties import bound_party_q
from commitments.proposals import rendering_propose
from commitments.services import NewEvidence, evidence_create, status_update_record
from tests.review_support import publish
from tests.site_support import CHINA_RUSSIA, SCO, point, site_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(seed, alice) -> dict:
    return site_history(author=alice)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_the_overview_shows_each_statement_s_progress_the_weeks_the_heat_map_and_the_latest_changes(client, history):
    html = page(client, "/")
    total, statements = Commitment.objects.count(), Statement.objects.count()
    assert f"{total} commitments in {statements} statements" in html
    assert html.count('class="card"') == statements
    # the bar, in words: the three commitments site_history touched, the rest not yet rated
    assert f'aria-label="All commitments: {total - 3} not yet rated, 1 not started, 1 partially fulfilled, 1 stalled' in html
    assert "Share of commitments by status, week by week" in html and "<caption>Commitments in each status at the end of each week" in html
    assert '<td class="score score-0">' in html and "Russia: -1: no compliance" in html  # numbers and words, not colour alone
    assert history["vaccines"].get_absolute_url() in html  # the latest changes link to the pages
    assert 'action="/subscribe/"' in html and 'action="/search/"' in html


def test_a_statement_page_shows_its_points_in_order_with_quotes_status_and_deliverables(client, history):
    html = page(client, f"/statements/{CHINA_RUSSIA}/")
    assert "4 (announced); 4 found" in html and "(they agree)" in html
    titles = re.findall(r'<h3><a href="/statements/china-russia-four-areas-2020/(\d)/">', html)
    assert titles == ["1", "2", "3", "4"]
    assert f'href="{history["deliverable"].get_absolute_url()}"' in html
    assert "Translation from zh" in html or "Original (" in html
    assert history["claim"].get_absolute_url() in html


def test_a_point_page_shows_the_quote_highlighted_inside_its_paragraph(client, history):
    html = page(client, f"/statements/{SCO}/3/")
    vaccines = history["vaccines"]
    assert "<mark>" in html and escape(vaccines.title) in html
    assert "Partially fulfilled" in html and "Part of the doses delivered." in html and "Doses delivered to SCO members" in html
    assert 'href="/statements/sco-five-point-proposal-2021/3.1/"' in html  # its deliverable


def test_a_quote_shows_the_rest_of_its_paragraph_around_it(client, seed):
    first = point(CHINA_RUSSIA, 1)
    paragraph_start = first.quote.split()[0]
    html = page(client, first.get_absolute_url())
    quoted = html[html.index("<mark>"):html.index("</mark>")]
    assert paragraph_start in quoted


def test_a_deliverable_has_its_own_page_under_its_point(client, history):
    deliverable = history["deliverable"]
    html = page(client, f"/statements/{CHINA_RUSSIA}/{deliverable.number}/")
    assert escape(deliverable.title) in html and "Stalled" in html and "Talks paused." in html
    assert f"Deliverable {deliverable.number} under point {deliverable.parent.ordinal}" in html


def test_history_names_the_author_s_role_never_the_person(client, history, alice):
    html = page(client, f"/statements/{SCO}/3/") + page(client, history["claim"].get_absolute_url())
    assert "by Editor" in html
    assert alice.email not in html and "alice" not in html


def test_a_party_page_is_a_scorecard(client, history):
    html = page(client, "/parties/russia/")
    assert "Commitments it is bound by" in html and "0.0 %" in html  # its one score is -1
    assert history["first"].get_absolute_url() in html
    assert history["claim"].get_absolute_url() in html


def test_the_claim_page_embeds_one_claimreview_whose_url_is_the_page(client, history):
    claim = history["claim"]
    html = page(client, claim.get_absolute_url())
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    review = json.loads(blocks[0])
    assert review["@type"] == "ClaimReview" and review["url"] == f"http://testserver{claim.get_absolute_url()}"
    assert review["reviewRating"]["alternateName"] == "Mostly accurate"
    assert "Official figures give 88%." in html and "Resumption statistics" in html


def test_an_unchecked_claim_has_no_claimreview(client, seed):
    claim = Claim.objects.order_by("id").last()
    assert "application/ld+json" not in page(client, claim.get_absolute_url())


def test_json_ld_cannot_close_its_script_tag(client, history, alice):
    from commitments.services import verdict_update_record

    publish(verdict_update_record(claim=history["claim"], verdict="false", rationale="</script><script>alert(1)</script>", author=alice))
    html = page(client, history["claim"].get_absolute_url())
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert "<" not in block and json.loads(block)["reviewBody"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize("url", [
    f"/statements/{SCO}/9/", f"/statements/{SCO}/3.9/", f"/statements/{SCO}/3.1.1/", "/statements/nope/", "/statements/nope/1/",
    "/parties/nope/", "/claims/999999/",
])
def test_what_does_not_exist_is_a_404(client, seed, url):
    page(client, url, status=404)


def test_changes_filter_by_week_statement_party_theme_and_status(client, history):
    everything = page(client, "/changes/")
    assert everything.count('class="change-line"') == 4
    assert page(client, f"/changes/?statement={SCO}").count('class="change-line"') == 2
    assert page(client, "/changes/?status=stalled").count('class="change-line"') == 1
    assert page(client, "/changes/?status=stalled&status=not_started").count('class="change-line"') == 2
    week = date.today().isocalendar()
    assert page(client, f"/changes/?week={week.year}-W{week.week:02d}").count('class="change-line"') == 4
    assert page(client, "/changes/?week=2001-W01").count('class="change-line"') == 0
    assert "is not an ISO week" in page(client, "/changes/?week=soon")  # an invalid filter says so and is left out
    health = history["vaccines"].themes.first()
    assert page(client, f"/changes/?theme={health.slug}").count('class="change-line"') >= 2
    assert page(client, "/changes/?party=mongolia").count('class="change-line"') == 0
    assert '<link rel="alternate" type="application/atom+xml"' in everything


def test_the_changes_feed_is_atom_and_links_to_pages(client, history):
    response = client.get(f"/changes/feed.atom?statement={SCO}")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 2 and f'href="http://testserver{history["vaccines"].get_absolute_url()}"' in body


def test_the_feed_answers_a_bad_filter_with_a_400_that_says_why(client, history):
    """Issue 22 #7: a feed cannot show a form error, so a bad week is a 400 naming the field, not a feed of everything."""
    client.raise_request_exception = True
    for bad in ("9999-W52", "0001-W01", "soon", "2023-W53"):
        response = client.get(f"/changes/feed.atom?week={bad}")
        assert response.status_code == 400 and response.content.decode().startswith("week: "), bad
    assert client.get("/changes/feed.atom?week=9998-W52").status_code == 200


def test_every_page_sends_validators_and_answers_304_until_something_changes(client, history, alice):
    url = f"/statements/{SCO}/3/"
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    publish(status_update_record(commitment=history["vaccines"], status=Status.FULFILLED, effective_on=date(2023, 1, 1),
                                 rationale="All delivered.", author=alice, evidence=list(history["vaccines"].evidence.all())))
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_a_proposal_changes_no_etag_until_it_is_published(client, history, alice):
    """Issue 22 #14: a proposal waiting for review changed the ETag of pages where nothing public changed."""
    urls = ["/", "/statements/", f"/statements/{SCO}/", f"/statements/{SCO}/3/", "/changes/", "/parties/"]
    before = {url: client.get(url)["ETag"] for url in urls}
    proposal = status_update_record(commitment=history["vaccines"], status=Status.FULFILLED, effective_on=date(2023, 1, 1),
                                    rationale="All delivered.", author=alice, evidence=list(history["vaccines"].evidence.all()))
    for url in urls:
        assert client.get(url, HTTP_IF_NONE_MATCH=before[url]).status_code == 304, url
    publish(proposal)
    assert client.get(f"/statements/{SCO}/3/", HTTP_IF_NONE_MATCH=before[f"/statements/{SCO}/3/"]).status_code == 200


def test_pages_use_no_inline_style_or_script_that_a_strict_csp_would_block(client, history):
    for url in ["/", "/statements/", f"/statements/{SCO}/", f"/statements/{SCO}/3/", "/parties/", "/parties/russia/", "/claims/",
                history["claim"].get_absolute_url(), "/changes/", "/search/?q=vaccine"]:
        html = page(client, url)
        assert " style=" not in html and "<style" not in html, url
        assert all(tag == '<script type="application/ld+json">' for tag in re.findall(r"<script[^>]*>", html)), url
        assert "/admin/" not in html and re.findall(r'href="(/api/[^"]*)"', html) == ["/api/docs/"], url


def test_only_public_fields_reach_the_pages(client, history, alice):
    for url in ["/changes/", f"/statements/{SCO}/3/", history["claim"].get_absolute_url()]:
        html = page(client, url)
        assert alice.email not in html and alice.username not in html


def test_a_commitment_s_themes_link_to_its_filtered_changes(client, history):
    html = page(client, f"/statements/{SCO}/3/")
    assert re.search(r'href="/changes/\?theme=[-a-z]+"', html)


def test_subscribe_box_fills_in_the_address(client, seed):
    assert 'value="reader@example.org"' in page(client, "/subscribe/?email=reader@example.org")


def test_the_overview_of_an_empty_tracker_still_renders(client, db):
    html = page(client, "/")
    assert "0 commitments in 0 statements" in html and "No statements yet." in html


def test_commitment_pages_need_no_statement_query_for_their_links(seed):
    c = Commitment.objects.select_related("statement", "parent").filter(parent__isnull=False).first()
    assert c.get_absolute_url() == f"/statements/{c.statement.slug}/{c.parent.ordinal}.{c.ordinal}/"


def test_a_page_shows_the_health_of_its_source_and_evidence(client, history):
    from django.utils import timezone

    from commitments.models import MonitoredUrl

    vaccines = history["vaccines"]
    source = vaccines.source
    source.url = "https://www.example.org/statement"
    source.save()
    now = timezone.now()
    MonitoredUrl.objects.create(url=source.url, added_at=now, next_check_at=now, health="ok", last_checked_at=now, quote_match="fuzzy",
                                quote_score=91.5)
    MonitoredUrl.objects.create(url="https://news.example.org/doses", added_at=now, next_check_at=now, health="gone", last_checked_at=now,
                                quote_match="missing")
    html = page(client, vaccines.get_absolute_url())
    assert "Live</span>" in html and "fuzzy match (92/100)" in html  # the quoted source
    assert "Gone</span>" in html and "<strong>missing</strong>" in html  # the evidence


def test_a_point_worded_in_several_sources_shows_each_wording_in_its_paragraph(client, seed):
    from django.db.models import Count

    point_ = Commitment.objects.annotate(n=Count("renderings")).filter(n__gt=1).select_related("statement", "parent").first()
    renderings = list(point_.renderings.select_related("source"))
    html = page(client, point_.get_absolute_url())
    assert html.count("<mark>") == len(renderings) and f"Worded in {len(renderings)} sources" in html
    for rendering in renderings:
        assert escape(rendering.source.title) in html
        assert escape(rendering.source.full_text[rendering.start:rendering.end]) in html


def test_links_show_on_both_ends(client, seed):
    from commitments.models import CommitmentLink, StatementLink

    link = CommitmentLink.objects.select_related("from_commitment__statement", "from_commitment__parent", "to_commitment__statement",
                                                 "to_commitment__parent").first()
    later, earlier = page(client, link.from_commitment.get_absolute_url()), page(client, link.to_commitment.get_absolute_url())
    assert f"<strong>{link.get_kind_display()}</strong>" in later and link.to_commitment.get_absolute_url() in later
    assert f"<strong>{link.inverse_label}</strong>" in earlier and link.from_commitment.get_absolute_url() in earlier
    statements = StatementLink.objects.select_related("from_statement", "to_statement").first()
    assert f'href="{statements.to_statement.get_absolute_url()}"' in page(client, statements.from_statement.get_absolute_url())
    assert f'href="{statements.from_statement.get_absolute_url()}"' in page(client, statements.to_statement.get_absolute_url())


def test_a_member_of_an_organisation_is_bound_by_its_statements(client, seed):
    from commitments.models import Membership
    from commitments.parties import statement_bound_parties

    membership = Membership.objects.select_related("organisation", "member").filter(organisation__statements__isnull=False).first()
    statement = membership.organisation.statements.order_by("announced_on").first()
    assert membership.member in statement_bound_parties(statement=statement)  # bound through the organisation, not named
    assert not statement.parties.filter(pk=membership.member.pk).exists()
    html = page(client, membership.member.get_absolute_url())
    assert f'href="{statement.get_absolute_url()}"' in html
    assert f'href="{membership.member.get_absolute_url()}"' in page(client, statement.get_absolute_url())  # "Parties bound"


def test_a_proposal_is_not_public_until_a_reviewer_publishes_it(client, history, alice):
    vaccines = history["vaccines"]
    before = page(client, vaccines.get_absolute_url())
    proposal = status_update_record(commitment=vaccines, status=Status.BROKEN, effective_on=date(2023, 6, 1), rationale="Secret draft.",
                                    author=alice, new_evidence=[NewEvidence(url="https://news.example.org/draft", title="Draft evidence")])
    for url in (vaccines.get_absolute_url(), "/changes/", "/", "/changes/feed.atom", "/search/?q=draft"):
        html = page(client, url)
        assert "Secret draft." not in html and "Draft evidence" not in html, url
    assert page(client, vaccines.get_absolute_url()) == before  # nothing about it shows, not even the current status
    publish(proposal)
    assert "Secret draft." in page(client, vaccines.get_absolute_url()) and "Secret draft." in page(client, "/changes/")


def test_the_statements_index_lists_every_statement_newest_first_with_its_count_check(client, history):
    html = page(client, "/statements/")
    slugs = re.findall(r'<h2><a href="/statements/([-a-z0-9]+)/">', html)
    expected = list(Statement.objects.order_by("-announced_on", "-id").values_list("slug", flat=True))
    assert slugs == expected and len(slugs) == 10
    assert "5 (announced); 5 found" in html and "(they differ)" not in html
    assert "1 not started" in html  # the China-Russia bar counts the change site_history published


def test_the_parties_index_shows_what_each_party_is_bound_by_answers_for_and_its_compliance(client, history):
    html = page(client, "/parties/")
    rows = dict(re.findall(r'<h2><a href="/parties/([-a-z]+)/">.*?<dd class="bound">(\d+)</dd>', html, re.S))
    assert set(rows) == set(Party.objects.values_list("slug", flat=True))
    kazakhstan = Commitment.objects.filter(bound_party_q(parties=Party.objects.filter(slug="kazakhstan"))).count()
    assert int(rows["kazakhstan"]) == kazakhstan and kazakhstan > 0
    assert int(rows["afghanistan"]) == 0
    assert "0.0 % <span" in html  # Russia's one score is -1; the unassessed say so
    assert "not assessed" in html


def test_the_claims_index_filters_by_verdict_and_pages(client, history):
    html = page(client, "/claims/")
    total = Claim.objects.count()
    assert f"<h1>{total} claims</h1>" in html and "Mostly accurate (1)" in html
    assert history["claim"].get_absolute_url() in html
    only = page(client, "/claims/?verdict=mostly_accurate")
    assert re.findall(r'<li>\s*<a href="(/claims/\d+/)">', only) == [history["claim"].get_absolute_url()]
    assert page(client, "/claims/?verdict=<script>").count('<li>\n    <a href="/claims/') == total  # an unknown verdict: all of them


def test_the_claims_index_pages_through_every_claim(client, seed, monkeypatch):
    from commitments.site import views

    monkeypatch.setattr(views, "CLAIMS_PER_PAGE", 10)
    seen, url = [], "/claims/"
    while url:
        html = page(client, url)
        seen += re.findall(r'<li>\s*<a href="(/claims/\d+/)">', html)
        more = re.search(r'<a href="\?([^"]+)" rel="next">', html)
        url = f"/claims/?{more.group(1).replace('&amp;', '&')}" if more else ""
    assert len(seen) == len(set(seen)) == Claim.objects.count()


def test_evidence_and_rendering_proposals_change_no_etag_until_published(client, history, alice):
    """Issue 22 #14 for the other kinds of proposal: new evidence and a new primary rendering waiting for review."""
    urls = ["/", "/statements/", f"/statements/{SCO}/", f"/statements/{SCO}/3/", "/changes/", "/parties/"]
    before = {url: client.get(url)["ETag"] for url in urls}
    point = history["vaccines"]
    evidence_create(data=NewEvidence(url="https://news.example.org/later", title="Later report"), created_by=alice, commitments=[point])
    rendering_propose(target=point, source=point.source, text=point.quote, is_primary=True, author=alice)
    for url in urls:
        assert client.get(url, HTTP_IF_NONE_MATCH=before[url]).status_code == 304, url
