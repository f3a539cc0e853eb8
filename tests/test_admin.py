"""The staff workflow in the admin, end to end through the test client."""

from datetime import date

import pytest
from django.urls import reverse

from commitments.models import Claim, Commitment, Evidence, PartyAssessment, ReviewState, Statement, Status, StatusUpdate, Verdict
from tests.review_support import publish


def record_url(commitment) -> str:
    return reverse("admin:commitments_commitment_record", args=[commitment.pk])


def change_url(commitment) -> str:
    return reverse("admin:commitments_commitment_change", args=[commitment.pk])


def status_form(**fields) -> dict:
    return {"status": Status.IN_PROGRESS, "effective_on": "2021-03-01", "rationale": "Work has begun.",
            "new_evidence_stance": "supports", **fields}


def test_it_lets_an_editor_record_a_status_with_new_and_existing_evidence(client, alice, commitment, make_evidence):
    existing = make_evidence(title="Ministry statement")
    client.force_login(alice)
    response = client.post(record_url(commitment), status_form(
        status=Status.FULFILLED, rationale="Delivered in full.", evidence=[existing.pk],
        new_evidence_url="https://news.example.org/delivered", new_evidence_title="Delivery report",
        new_evidence_publisher="Xinhua",
    ))
    assert response.status_code == 302
    update = StatusUpdate.objects.get(commitment=commitment)
    assert response["Location"] == f"{record_url(commitment)}?done={update.pk}"  # the confirmation, linking to the proposal

    assert (update.status, update.author, update.rationale) == (Status.FULFILLED, alice, "Delivered in full.")
    assert {e.title for e in update.evidence.all()} == {"Ministry statement", "Delivery report"}
    commitment.refresh_from_db()
    assert (update.review_state, commitment.status) == (ReviewState.PROPOSED, Status.NOT_YET_RATED)  # until a reviewer publishes it
    publish(update)
    commitment.refresh_from_db()
    assert commitment.status == Status.FULFILLED


def test_the_commitment_page_shows_the_history_newest_first_with_its_author(client, alice, commitment):
    client.force_login(alice)
    client.post(record_url(commitment), status_form(status=Status.NOT_STARTED, rationale="Nothing yet."))
    client.post(record_url(commitment), status_form(status=Status.IN_PROGRESS, rationale="Under way now."))
    page = client.get(change_url(commitment)).content.decode()
    assert 'id="record-form"' in page
    history = page[page.index('id="history"'):]
    assert history.index("Under way now.") < history.index("Nothing yet.")
    assert "alice" in history


def test_it_refuses_an_outcome_without_evidence_and_writes_nothing(client, alice, commitment):
    client.force_login(alice)
    response = client.post(record_url(commitment), status_form(status=Status.BROKEN, rationale="Abandoned."))
    assert response.status_code == 200
    assert "needs at least one piece of evidence" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_it_refuses_a_status_without_rationale(client, alice, commitment):
    client.force_login(alice)
    response = client.post(record_url(commitment), status_form(rationale=""))
    assert "A rationale is required" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_it_refuses_new_evidence_with_a_non_http_url(client, alice, commitment):
    client.force_login(alice)
    response = client.post(record_url(commitment), status_form(
        status=Status.FULFILLED, new_evidence_url="ftp://example.org/x", new_evidence_title="x"))
    assert response.status_code == 200
    assert not StatusUpdate.objects.exists()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("user", ["bob", "charlie"])
def test_a_user_who_is_not_an_editor_cannot_record_a_status(client, commitment, user, request):
    client.force_login(request.getfixturevalue(user))
    response = client.post(record_url(commitment), status_form())
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_a_viewer_reads_the_commitment_without_the_form_or_save_buttons(client, bob, commitment):
    client.force_login(bob)
    page = client.get(change_url(commitment)).content.decode()
    assert commitment.title in page
    assert 'id="record-form"' not in page
    assert 'name="_save"' not in page
    assert client.post(change_url(commitment), {"title": "Changed"}).status_code == 403


def test_nobody_can_edit_or_delete_a_status_update_in_the_admin(client, alice, commitment, admin_user):
    client.force_login(alice)
    client.post(record_url(commitment), status_form())
    update = StatusUpdate.objects.get()
    client.force_login(admin_user)
    change = reverse("admin:commitments_statusupdate_change", args=[update.pk])
    delete = reverse("admin:commitments_statusupdate_delete", args=[update.pk])
    assert 'name="_save"' not in client.get(change).content.decode()
    client.post(change, {"rationale": "rewritten"})
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert StatusUpdate.objects.get().rationale == "Work has begun."


def test_an_editor_gives_a_claim_a_verdict(client, alice, claim):
    client.force_login(alice)
    url = reverse("admin:commitments_claim_record", args=[claim.pk])
    response = client.post(url, {"verdict": Verdict.MOSTLY_ACCURATE, "rationale": "Ministry data says 88%.",
                                 "new_evidence_stance": "supports"})
    assert response.status_code == 302
    proposal = claim.verdict_updates.get()
    assert (proposal.author, proposal.review_state) == (alice, ReviewState.PROPOSED)
    publish(proposal)
    claim.refresh_from_db()
    assert (claim.verdict, claim.verdict_rationale) == (Verdict.MOSTLY_ACCURATE, "Ministry data says 88%.")


def test_an_editor_scores_a_party_and_a_non_responsible_party_is_refused(client, alice, commitment, make_party):
    russia, mongolia = make_party(name="Russia"), make_party(name="Mongolia")
    commitment.parties.add(russia)
    client.force_login(alice)
    url = reverse("admin:commitments_partyassessment_add")
    form = {"commitment": commitment.pk, "score": "1", "assessed_on": "2021-05-01", "rationale": "Done."}
    response = client.post(url, {**form, "party": mongolia.pk})
    assert response.status_code == 200
    assert "not a party responsible" in response.content.decode()
    assert client.post(url, {**form, "party": russia.pk}).status_code == 302
    assert PartyAssessment.objects.get().author == alice


def test_the_statement_list_flags_a_statement_whose_numbering_is_broken(client, admin_user, make_statement):
    make_statement(points=4, title="Complete set")
    make_statement(points=3, announced_count=5, title="Short set")
    client.force_login(admin_user)
    page = client.get(reverse("admin:commitments_statement_changelist")).content.decode()
    assert "announces 5 points but has 3" in page
    assert "1..n complete" in page


@pytest.fixture
def ten_thousand_commitments(make_statement, make_party, theme):
    parties = [make_party() for _ in range(3)]
    statement = make_statement(points=0, announced_count=10_000)
    source = statement.sources.get()
    commitments = Commitment.objects.bulk_create(
        Commitment(statement=statement, ordinal=n, title=f"Point {n}", source=source, quote="Second, they will set an exemplar.")
        for n in range(1, 10_001)
    )
    Through = Commitment.parties.through
    Through.objects.bulk_create(Through(commitment=c, party=parties[c.ordinal % 3]) for c in commitments)
    return statement


@pytest.mark.slow
@pytest.mark.parametrize("query", ["", "?status__exact=not_yet_rated", "?q=Point", "?has_target_date=no&kind=point"])
def test_the_commitment_changelist_needs_a_bounded_number_of_queries_at_10000_rows(
    client, admin_user, ten_thousand_commitments, django_assert_max_num_queries, query
):
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:commitments_commitment_changelist") + query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 10_000


def test_the_statement_changelist_query_count_does_not_grow_with_statements(
    client, admin_user, make_statement, django_assert_max_num_queries
):
    for _ in range(20):
        make_statement(points=2, announced_count=2)
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("admin:commitments_statement_changelist")).status_code == 200
    assert Statement.objects.count() == 20
    assert not Claim.objects.exists()
    assert date.today()  # the page renders dates without time zone errors


@pytest.mark.parametrize("model", ["claim", "evidence", "source", "party", "statusupdate", "partyassessment"])
def test_the_other_changelists_need_the_same_queries_for_5_or_40_rows(
    client, admin_user, make_statement, make_party, make_evidence, alice, model, django_assert_max_num_queries
):
    from commitments.services import assessment_record, status_update_record

    def grow(n: int) -> None:
        for _ in range(n):
            statement = make_statement(points=1, announced_count=1)
            point = statement.commitments.get()
            party = make_party()
            point.parties.add(party)
            Claim.objects.create(statement=statement, source=point.source, title="c", quote=point.quote).parties.add(party)
            evidence = make_evidence()
            status_update_record(commitment=point, status=Status.FULFILLED, effective_on=date(2021, 1, 1), rationale="r",
                                 author=alice, evidence=[evidence])
            assessment_record(commitment=point, party=party, score=1, assessed_on=date(2021, 1, 1), rationale="r", author=alice)

    client.force_login(admin_user)
    url = reverse(f"admin:commitments_{model}_changelist")
    counts = []
    for n in (5, 35):
        grow(n)
        with django_assert_max_num_queries(15) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
