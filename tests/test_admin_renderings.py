"""The admin shows every rendering and both ends of each link, and adds renderings through the service."""

from django.urls import reverse

from commitments.links import commitment_link
from commitments.models import ChangeProposal, LinkKind, Party, Rendering
from commitments.parties import membership_add
from tests.review_support import publish


def _new_rendering_prefix(response) -> str:
    return next(i.formset.prefix for i in response.context["inline_admin_formsets"] if type(i.opts).__name__ == "CommitmentNewRenderingInline")


def _inline_data(response) -> dict:
    """The change form's fields and every inline's management form, as a browser would post them unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        for child in formset.forms:
            data[f"{child.prefix}-id"] = str(child.instance.pk)
            data[f"{child.prefix}-{formset.fk.name}"] = str(formset.instance.pk)
    return data


def test_an_editor_adds_a_rendering_from_the_commitment_page(admin_client, commitment, make_source):
    other = make_source(slug="tass", full_text="Intro. Second,\nthey will set an exemplar. Outro.", is_translation=True, original_language="ru")
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    page = admin_client.get(url)
    data, prefix = _inline_data(page), _new_rendering_prefix(page)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-source": str(other.pk), f"{prefix}-0-text": "Second, they will set an exemplar.",
                 f"{prefix}-0-make_primary": "on", f"{prefix}-0-language": "", f"{prefix}-0-is_translation": "unknown"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert not Rendering.objects.filter(source=other).exists()  # proposed: the public quote is unchanged
    commitment.refresh_from_db()
    assert commitment.source != other
    publish(ChangeProposal.objects.get(kind="rendering-add"))
    added = Rendering.objects.get(source=other)
    assert other.full_text[added.start:added.end] == "Second,\nthey will set an exemplar." and added.is_translation and added.is_primary
    commitment.refresh_from_db()
    assert commitment.source == other


def test_an_invented_rendering_is_refused_with_a_message(admin_client, commitment, make_source):
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    page = admin_client.get(url)
    data, prefix = _inline_data(page), _new_rendering_prefix(page)
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-source": str(commitment.source_id), f"{prefix}-0-text": "Words never said."})
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "not verbatim" in response.content.decode()
    assert commitment.renderings.count() == 1


def test_the_pages_show_renderings_links_on_both_ends_and_members(admin_client, make_statement, make_party):
    earlier, later = make_statement(points=1).commitments.get(), make_statement(points=1).commitments.get()
    commitment_link(from_commitment=later, to_commitment=earlier, kind=LinkKind.REAFFIRMS, rationale="Named again in 2021.")
    page = admin_client.get(reverse("admin:commitments_commitment_change", args=[earlier.pk])).content.decode()
    assert "reaffirmed by" in page and "Named again in 2021." in page and earlier.quote in page
    assert "Named again in 2021." in admin_client.get(reverse("admin:commitments_commitment_change", args=[later.pk])).content.decode()
    org = make_party(kind=Party.Kind.ORGANISATION, name="Club")
    membership_add(organisation=org, member=make_party(name="Member state"))
    assert "Member state" in admin_client.get(reverse("admin:commitments_party_change", args=[org.pk])).content.decode()
