"""The audit trail: every write of the catalogue keeps old and new values, who, when and from where."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from commitments.audit import audit_source
from commitments.models import ChangeProposal, Source, Theme
from tests.api_support import client_for
from tests.review_support import reviewer_user

pytest_plugins = ["tests.api_support"]


def entries_for(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "id"))


def test_an_edit_in_the_admin_keeps_old_and_new_values_who_and_from_where(client, admin_user, db):
    theme = Theme.objects.create(name="Helth", slug="health")
    client.force_login(admin_user)
    url = reverse("admin:commitments_theme_change", args=[theme.pk])
    response = client.post(url, {"name": "Health", "slug": "health"}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302, response.content
    entry = entries_for(theme)[-1]
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict == {"name": ["Helth", "Health"]}
    assert (entry.actor, entry.remote_addr, entry.additional_data["source"]) == (admin_user, "192.0.2.7", "admin")


def test_the_history_button_shows_the_audit_trail(client, admin_user, alice):
    theme = Theme.objects.create(name="Helth", slug="health")
    client.force_login(admin_user)
    assert client.post(reverse("admin:commitments_theme_change", args=[theme.pk]), {"name": "Health", "slug": "health"}).status_code == 302
    client.force_login(alice)  # an Editor may read the trail of what they may view
    page = client.get(reverse("admin:commitments_theme_history", args=[theme.pk])).content.decode()
    trail = page[page.index('id="audit-trail"'):]
    assert "Helth" in trail and "Health" in trail and ">admin<" in trail and "command" in trail  # the edit, and the creation here


def test_a_write_through_the_api_is_logged_with_its_token_user_and_links(commitment, alice):
    response = client_for(alice).post("/api/v1/evidence/", {
        "url": "https://a.example.org/report", "title": "Progress report", "commitments": [commitment.pk],
    }, format="json")
    assert response.status_code == 201
    # The link is made when a Reviewer publishes the proposal, also through the API.
    dave = reviewer_user("dave")
    approved = client_for(dave).post(f"/api/v1/review/proposals/evidence/{response.json()['proposal']['id']}/approve/", {}, format="json")
    assert approved.status_code == 200
    created, *changed = LogEntry.objects.filter(content_type__model="evidence").order_by("id")
    assert (created.action, created.actor, created.additional_data["source"]) == (LogEntry.Action.CREATE, alice, "api")
    assert created.changes_dict["title"] == [None, "Progress report"]
    linked = next(entry for entry in changed if "commitments" in entry.changes_dict)
    assert linked.changes_dict["commitments"]["type"] == "m2m" and linked.changes_dict["commitments"]["operation"] == "add"
    assert (linked.actor, linked.additional_data["source"]) == (dave, "api")


def test_the_intake_hook_names_its_source_and_actor(alice, db):
    with audit_source("intake", actor=alice):
        source = Source.objects.create(slug="joint-statement", title="Joint statement", publisher="MFA")
        with audit_source("command"):  # nested blocks: the innermost wins, the outer comes back
            Theme.objects.create(slug="trade", name="Trade")
        source.title = "Joint statement of the summit"
        source.save()
    created, changed = entries_for(source)
    assert [created.additional_data["source"], changed.additional_data["source"]] == ["intake", "intake"]
    assert changed.actor == alice and changed.changes_dict == {"title": ["Joint statement", "Joint statement of the summit"]}
    assert entries_for(Theme.objects.get(slug="trade"))[0].additional_data["source"] == "command"
    with pytest.raises(ValueError, match="Unknown audit source"), audit_source("elsewhere"):
        pass


def test_writes_outside_a_request_count_as_commands_and_deletes_keep_the_old_values(make_party):
    party = make_party(name="Mongolia", iso_code="MNG")
    pk = party.pk
    party.delete()
    deleted = LogEntry.objects.filter(content_type__model="party", object_pk=str(pk), action=LogEntry.Action.DELETE).get()
    assert deleted.changes_dict["name"] == ["Mongolia", None] and deleted.additional_data["source"] == "command"
    assert deleted.actor is None


def test_staff_read_the_audit_trail_through_the_api_and_the_public_cannot(api, bob, alice, commitment):
    commitment.title = "Support anti-pandemic cooperation"
    commitment.save()
    assert api.get("/api/v1/audit/").status_code in (401, 403)
    rows = client_for(bob).get(f"/api/v1/audit/?model=commitment&object={commitment.pk}").json()["results"]
    assert [row["action"] for row in rows] == ["update", "create"]
    assert rows[0]["changes"]["title"] == ["Point 1", "Support anti-pandemic cooperation"] and rows[0]["source"] == "command"


def test_the_audit_list_costs_a_fixed_number_of_queries(bob, make_party, django_assert_max_num_queries):
    for n in range(20):
        make_party(name=f"Country {n}")
    client = client_for(bob)
    client.get("/api/v1/audit/")  # the token lookup and session warm-up
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/audit/?model=party").json()["results"]) == 20


INTAKE_TEXT = ("The two ministers agreed to strengthen cooperation in two areas. First, they will support public health. "
               "Second, they will build roads.")


def test_a_statement_saved_through_the_intake_is_logged_as_intake_by_its_user(charlie, make_party):
    from django.contrib.auth.models import Permission

    from commitments.intake.extract import extract
    from commitments.models import Statement

    charlie.user_permissions.add(*Permission.objects.filter(codename__in=["add_statement", "view_statement"]))
    party = make_party(name="China", slug="china")
    found = extract(INTAKE_TEXT).as_json()["sets"][0]
    body = {
        "source": {"title": "Readout", "publisher": "MFA", "full_text": INTAKE_TEXT, "url": "https://www.example.org/r",
                   "language": "en", "is_translation": False},
        "sets": [{"title": "Two areas", "announced_by": "Wang Yi", "announcing_party": party.slug, "announced_on": "2020-09-16",
                  "announcement": found["announcement"], "announced_count": found["announced_count"],
                  "points": [{"quote": p["quote"], "start": p["start"], "end": p["end"]} for p in found["points"]]}],
        "claims": [],
    }
    response = client_for(charlie).post("/api/v1/intake/save/", body, format="json", REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 202, response.content  # a proposal: charlie is its author
    assert ChangeProposal.objects.get(pk=response.json()["proposal"]).author == charlie
    dave = reviewer_user()
    approved = client_for(dave).post(f"/api/v1/review/proposals/change/{response.json()['proposal']}/approve/", REMOTE_ADDR="198.51.100.5")
    assert approved.status_code == 200
    statement = Statement.objects.get()
    created = entries_for(statement)[0]  # written when the Reviewer published it
    assert (created.action, created.actor, created.remote_addr, created.additional_data["source"]) == (
        LogEntry.Action.CREATE, dave, "198.51.100.5", "intake")
    points = LogEntry.objects.filter(content_type__model="commitment", action=LogEntry.Action.CREATE)
    assert points.count() == 2 and {entry.additional_data["source"] for entry in points} == {"intake"}


def _subscriber_and_theme_written_from(address: str):
    from commitments.models import Subscriber

    with audit_source("web", remote_addr=address):
        subscriber = Subscriber.objects.create(email="private.person@example.net")
        theme = Theme.objects.create(slug="health", name="Health")
    return subscriber, theme


def test_a_viewer_reads_no_subscriber_entries_and_no_client_addresses(bob, db):
    subscriber, theme = _subscriber_and_theme_written_from("203.0.113.9")
    client = client_for(bob)  # a Viewer: the subscriber admin answers them 403, so does their audit trail
    assert client.get("/api/v1/audit/?model=subscriber").json()["results"] == []
    body = client.get("/api/v1/audit/").content.decode()
    assert "private.person" not in body and "203.0.113.9" not in body
    [row] = client.get(f"/api/v1/audit/?model=theme&object={theme.pk}").json()["results"]
    assert row["object_repr"] == "Health" and row["remote_addr"] is None


def test_staff_who_may_view_subscribers_see_their_entries_without_addresses_and_superusers_see_all(charlie, admin_user, db):
    from django.contrib.auth.models import Permission

    subscriber, _ = _subscriber_and_theme_written_from("203.0.113.9")
    charlie.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    [row] = client_for(charlie).get(f"/api/v1/audit/?model=subscriber&object={subscriber.pk}").json()["results"]
    assert row["object_repr"] == "(hidden)" and row["changes"]["email"] == [None, "(hidden)"] and row["remote_addr"] is None
    assert "private.person" not in client_for(charlie).get("/api/v1/audit/").content.decode()
    [row] = client_for(admin_user).get(f"/api/v1/audit/?model=subscriber&object={subscriber.pk}").json()["results"]
    assert row["object_repr"] == "private.person@example.net" and row["changes"]["email"] == [None, "private.person@example.net"]
    assert row["remote_addr"] == "203.0.113.9"
