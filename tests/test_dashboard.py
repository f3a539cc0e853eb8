"""The public dashboard, rendered by a real browser."""

from datetime import date

from django.core.management import call_command

from commitments.models import Commitment, Status
from commitments.services import status_update_record
from tests.browser import render
from tests.review_support import publish


def test_it_shows_every_seed_statement_with_its_points_in_a_browser(live_server, admin_user):
    # live_server tests run after a flush of the database, so the groups of the data migration are gone.
    call_command("load_seed", verbosity=0)
    point = Commitment.objects.get(statement__slug="sco-five-point-proposal-2021", parent=None, ordinal=3)
    publish(status_update_record(commitment=point, status=Status.IN_PROGRESS, effective_on=date(2021, 9, 1),
                                 rationale="Vaccine deliveries under way.", author=admin_user))

    dom = render(live_server.url + "/")

    assert "91 commitments in 10 statements" in dom
    assert '<b data-status="in_progress">1</b>' in dom
    assert '<b data-status="not_yet_rated">90</b>' in dom
    for slug in ("china-russia-four-areas-2020", "sco-five-point-proposal-2021", "china-central-asia-four-suggestions-2020"):
        assert f'id="{slug}"' in dom
    section = dom[dom.index('id="sco-five-point-proposal-2021"'):]
    assert "In progress" in section[: section.index("</section>")]
    assert "Announced" in dom and "points, " not in dom  # no statement is flagged as incomplete
    moscow = dom[dom.index('id="sco-cfm-moscow-2020-five-results"'):]
    assert '<span data-count-kind="inferred">5 (inferred from ordinals)</span>' in moscow[: moscow.index("</section>")]


def test_its_query_count_does_not_grow_with_statements(client, make_statement, django_assert_max_num_queries):
    for _ in range(15):
        make_statement(points=4)
    with django_assert_max_num_queries(14):
        response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count('class="statement"') == 15
