"""Writing renderings and links through the API: the same services as the admin, 400 with field messages, nothing half-written."""

from commitments.models import CommitmentLink
from tests.api_support import client_for, schema_checked_call, token_header
from tests.review_support import publish_proposed

pytest_plugins = ["tests.api_support"]


def test_an_editor_adds_a_rendering_and_a_link(alice, commitment, make_statement, make_source, settings):
    other = make_source(slug="tass", full_text="Intro. Second, they will\nset an exemplar.", is_translation=True, original_language="ru")
    api = client_for(alice)
    response = api.post(f"/api/v1/commitments/{commitment.pk}/renderings/",
                        {"source": "tass", "text": "Second, they will set an exemplar.", "translator": "TASS desk"}, format="json")
    assert commitment.renderings.count() == 1  # a proposal until a Reviewer publishes it
    publish_proposed(response)
    assert commitment.renderings.count() == 2
    settings.TRACKER_REVIEW_REQUIRED = False  # review off: written at once and answered as before
    response = api.post(f"/api/v1/commitments/{commitment.pk}/renderings/",
                        {"source": "tass", "text": "Second, they will set an exemplar.", "translator": "TASS desk"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {
        "id": 0, "source": other.pk, "source_title": other.title, "text": "Second, they will set an exemplar.", "start": 7, "end": 41,
        "language": "en", "is_translation": True, "translator": "TASS desk", "is_primary": False,
    }
    earlier = make_statement(points=1).commitments.get()
    settings.TRACKER_REVIEW_REQUIRED = True
    response = api.post(f"/api/v1/commitments/{commitment.pk}/links/", {"to_commitment": earlier.pk, "kind": "reaffirms",
                        "rationale": "Same words.", "source": "tass"}, format="json")
    assert api.get(f"/api/v1/commitments/{earlier.pk}/").json()["links"] == []
    publish_proposed(response)
    assert [link["label"] for link in api.get(f"/api/v1/commitments/{earlier.pk}/").json()["links"]] == ["reaffirmed by"]
    settings.TRACKER_REVIEW_REQUIRED = False
    response = api.post(f"/api/v1/commitments/{earlier.pk}/links/", {"to_commitment": commitment.pk, "kind": "reaffirms",
                        "rationale": "Same words.", "source": "tass"}, format="json")
    assert response.status_code == 201 and response.json() | {"commitment": 0, "number": "", "title": "", "statement": {}} == {
        "kind": "reaffirms", "direction": "out", "label": "reaffirms", "commitment": 0, "number": "", "title": "",
        "statement": {}, "rationale": "Same words.", "source": other.pk,
    }
    assert response.json()["commitment"] == commitment.pk


def test_bad_renderings_and_links_get_field_messages_and_write_nothing(alice, bob, commitment, claim):
    api = client_for(alice)
    response = api.post(f"/api/v1/claims/{claim.pk}/renderings/", {"source": commitment.source.slug, "text": "Never said."}, format="json")
    assert response.status_code == 400 and "not verbatim" in response.json()["text"][0]
    response = api.post(f"/api/v1/commitments/{commitment.pk}/links/", {"to_commitment": commitment.pk, "kind": "reaffirms",
                        "rationale": "x"}, format="json")
    assert response.status_code == 400 and "itself" in str(response.json())
    assert client_for(bob).post(f"/api/v1/claims/{claim.pk}/renderings/", {"source": commitment.source.slug, "text": "x"},
                                format="json").status_code == 403
    assert claim.renderings.count() == 1 and commitment.renderings.count() == 1 and not CommitmentLink.objects.exists()


def test_the_answer_to_a_new_link_is_the_one_link_the_schema_describes(alice, commitment, make_statement, settings, api):
    """The long fuzz found POST .../links/ answering every link of the commitment, a list, where the schema says one link."""
    earlier = make_statement(points=1).commitments.get()
    response = schema_checked_call(api, "/api/v1/commitments/{id}/links/", "POST", settings, path_parameters={"id": commitment.pk},
                                   body={"to_commitment": earlier.pk, "kind": "supersedes", "rationale": "Newer list."},
                                   headers={"Authorization": token_header(alice)}, media_type="application/json")
    assert response.status_code == 202 and response.json()["change"] == "commitment-link"  # a proposal, as the schema says
    settings.TRACKER_REVIEW_REQUIRED = False
    response = schema_checked_call(api, "/api/v1/commitments/{id}/links/", "POST", settings, path_parameters={"id": commitment.pk},
                                   body={"to_commitment": earlier.pk, "kind": "reaffirms", "rationale": "Same list."},
                                   headers={"Authorization": token_header(alice)}, media_type="application/json")
    assert response.status_code == 201 and response.json()["commitment"] == earlier.pk and response.json()["label"] == "reaffirms"
