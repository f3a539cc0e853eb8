# ruff: noqa: F811  (fixtures imported from tests.intake_support)
"""The admin's "Add statement from text" page, through Django's test client."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from commitments.models import ChangeProposal, Claim, Commitment, Source, Statement
from tests.intake_support import CENTRAL_ASIA, form_data, intake_staff, seed_text  # noqa: F401
from tests.review_support import publish

pytestmark = pytest.mark.django_db
URL = "/admin/commitments/statement/intake/"
# Session, user and permissions, then per set: the candidate statements (2) and the party and candidate choices (2).
QUERIES_FOR_FIVE_SETS = 24


def _counts() -> tuple[int, ...]:
    return Source.objects.count(), Statement.objects.count(), Commitment.objects.count(), Claim.objects.count()


def _review(client, make_party) -> tuple[str, dict]:
    make_party(name="China", slug="china")
    response = client.post(URL, {"text": seed_text(CENTRAL_ASIA), "extract": "1"})
    assert response.status_code == 200
    data = form_data(response.content.decode())
    data.update({"title": "China + Central Asia", "publisher": "China News", "language": "en"})  # typed on the review page
    return response.content.decode(), data


def test_the_statement_list_links_to_the_intake_page(client, admin_user):
    client.force_login(admin_user)
    assert URL in client.get("/admin/commitments/statement/").content.decode()


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_staff_without_the_permission_cannot_open_it(client, bob, charlie, who):
    client.force_login({"bob": bob, "charlie": charlie}[who])
    assert client.get(URL).status_code == 403


def test_the_review_shows_each_set_its_count_and_its_points_highlighted(client, intake_staff, make_party):
    client.force_login(intake_staff)
    html, _ = _review(client, make_party)
    assert "4 of 4 announced points" in html
    assert html.count('<mark class="intake-point" id=') == 4
    assert '<mark class="intake-announcement" id="set-1" title="Set 1: announcement">Wang Yi made four suggestions:</mark>' in html


def test_a_fixed_point_is_accepted_and_saved(client, intake_staff, make_party):
    client.force_login(intake_staff)
    _, data = _review(client, make_party)
    party = Statement._meta.get_field("announcing_party").related_model.objects.get(slug="china")
    data.update({"set-0-announced_by": "Wang Yi", "set-0-announcing_party": str(party.pk), "set-0-announced_on": "2020-07-16",
                 "set-0-points-1-quote": "Second, jointly promote economic recovery and be a mutually beneficial and win-win partner.",
                 "save": "1"})
    response = client.post(URL, data)
    assert response.status_code == 302, re.findall(r"errornote.*|errorlist.*", response.content.decode())
    # charlie may add statements but see no proposals: back to the statements, the proposal waits for a Reviewer
    assert response["Location"] == reverse("admin:commitments_statement_changelist") and not Statement.objects.exists()
    publish(ChangeProposal.objects.get(kind="intake"))
    statement = Statement.objects.get()
    assert statement.commitments.get(ordinal=2, parent=None).quote.endswith("win-win partner.")


def test_a_quote_not_in_the_text_shows_an_error_and_saves_nothing(client, intake_staff, make_party):
    client.force_login(intake_staff)
    _, data = _review(client, make_party)
    party = Statement._meta.get_field("announcing_party").related_model.objects.get(slug="china")
    data.update({"set-0-announced_by": "Wang Yi", "set-0-announcing_party": str(party.pk), "set-0-announced_on": "2020-07-16",
                 "set-0-points-0-quote": "First, words the minister never said.", "save": "1"})
    before = _counts()
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode() and "not verbatim" in response.content.decode()
    assert _counts() == before


def test_a_set_short_of_its_count_is_flagged_in_red(client, intake_staff):
    client.force_login(intake_staff)
    text = (Path(__file__).parent / "data" / "intake" / "01-cica-four-points.txt").read_text().split("# ---\n", 1)[1]
    response = client.post(URL, {"text": text, "title": "CICA", "publisher": "Consulate", "language": "en", "extract": "1"})
    assert '<span class="intake-flag">found 3, announced 4</span>' in response.content.decode()


def test_a_set_already_recorded_is_offered_for_attaching(client, intake_staff, seed):
    client.force_login(intake_staff)
    text = Source.objects.get(slug="xinhua-2020-09-16-wang-yi-interview").full_text
    response = client.post(URL, {"text": text, "title": "Interview, another copy", "publisher": "Xinhua", "language": "en", "extract": "1"})
    html = response.content.decode()
    statement = Statement.objects.get(slug="anti-pandemic-four-measures-2020")
    assert "Already recorded?" in html and f'<option value="{statement.pk}">' in html


def test_the_review_costs_a_bounded_number_of_queries(client, intake_staff, seed, django_assert_max_num_queries):
    client.force_login(intake_staff)
    text = Source.objects.get(slug="xinhua-2020-09-16-wang-yi-interview").full_text  # five sets, each matched against the records
    with django_assert_max_num_queries(QUERIES_FOR_FIVE_SETS):
        response = client.post(URL, {"text": text, "title": "Interview", "publisher": "Xinhua", "language": "en", "extract": "1"})
    assert response.status_code == 200


def test_a_set_left_with_no_points_is_an_error_on_the_set_not_a_500(client, intake_staff, make_party):
    """Issue 22 #9: every point dropped from a kept set put its error on `sets.0.points`, which named no point form."""
    client.force_login(intake_staff)
    _, data = _review(client, make_party)
    party = Statement._meta.get_field("announcing_party").related_model.objects.get(slug="china")
    data.update({"set-0-announced_by": "Wang Yi", "set-0-announcing_party": str(party.pk), "set-0-announced_on": "2020-07-16", "save": "1"})
    for n in range(int(data["set-0-points-TOTAL_FORMS"])):
        data[f"set-0-points-{n}-DELETE"] = "on"
    before = _counts()
    response = client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    set_box = page.split('id="intake-set-1"', 1)[1].split("</fieldset>", 1)[0]
    assert "A set needs at least one point." in set_box and "Nothing was saved" in page
    assert _counts() == before


@pytest.mark.parametrize(("text", "language", "count"), [
    ("王毅表示，中方愿提出三点建议：\n第一，坚持相互尊重。\n第二，加强疫苗合作。\n第三，维护多边主义。\n", "zh", 3),
    ("Стороны договорились о сотрудничестве по трём направлениям:\n1) укрепление диалога;\n2) расширение торговли;\n3) вакцины.\n", "ru", 3),
])
def test_a_chinese_or_russian_text_is_reviewed_and_saved_with_its_detected_language(client, intake_staff, make_party, text, language, count):
    client.force_login(intake_staff)
    party = make_party(name="China", slug="china")
    response = client.post(URL, {"text": text, "title": "Readout", "publisher": "MFA", "language": "", "extract": "1"})
    html = response.content.decode()
    assert f"{count} of {count} announced points" in html and html.count('<mark class="intake-point" id=') == count
    assert f'<option value="{language}" selected>' in html  # the detected language, shown for the analyst to confirm
    data = form_data(html)
    data.update({"set-0-announced_by": "Wang Yi", "set-0-announcing_party": str(party.pk), "set-0-announced_on": "2023-05-01", "save": "1",
                 "title": "Readout", "publisher": "MFA"})  # typed on the review page
    response = client.post(URL, data)
    assert response.status_code == 302, re.findall(r"errornote.*|errorlist.*", response.content.decode())
    assert not Source.objects.exists()  # proposed: saved once a Reviewer publishes it
    publish(ChangeProposal.objects.get(kind="intake"))
    assert Source.objects.get().language == language
    assert Statement.objects.get().commitments.filter(parent=None).count() == count


def test_the_recorded_set_it_resembles_is_preselected_under_attach_to(client, intake_staff, seed):
    client.force_login(intake_staff)
    text = Source.objects.get(slug="xinhua-2020-09-16-wang-yi-interview").full_text
    html = client.post(URL, {"text": text, "extract": "1"}).content.decode()
    statement = Statement.objects.get(slug="anti-pandemic-four-measures-2020")
    blocks = re.findall(r'<select name="set-\d+-attach_to"[^>]*>(.*?)</select>', html, re.S)
    chosen = {m[1] for block in blocks if (m := re.search(r'<option value="(\d+)" selected>', block))}
    assert str(statement.pk) in chosen, chosen
