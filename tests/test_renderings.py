"""Renderings (one point worded in several sources), typed links and membership, through the services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commitments.integrity import integrity_violations
from commitments.links import commitment_link, commitment_links_of
from commitments.models import Claim, Commitment, LinkKind, Rendering, Source
from commitments.parties import bound_party_q, members_at, membership_add
from commitments.renderings import rendering_add, rendering_make_primary, rendering_remove, renderings_from_quotes
from tests.conftest import SOURCE_TEXT


@pytest.fixture
def other_source(make_source) -> Source:
    return make_source(slug="other", full_text="Preface.\nThe two countries will  support\ninternational anti-pandemic cooperation. End.",
                       is_translation=True, original_language="zh", language="en")


def test_it_finds_the_offsets_and_the_first_rendering_is_primary(commitment):
    rendering = commitment.renderings.get()
    assert rendering.is_primary and SOURCE_TEXT[rendering.start:rendering.end] == commitment.quote


def test_a_new_rendering_is_located_whitespace_tolerant_and_can_become_primary(commitment, other_source):
    added = rendering_add(target=commitment, source=other_source, text="The two countries will support international anti-pandemic cooperation.")
    assert other_source.full_text[added.start:added.end].startswith("The two countries will  support\n")
    assert not added.is_primary and added.is_translation and added.language == "en"
    rendering_make_primary(rendering=added)
    commitment.refresh_from_db()
    assert (commitment.source_id, commitment.quote) == (other_source.pk, added.text)
    assert commitment.renderings.filter(is_primary=True).get() == added
    assert integrity_violations() == []


def test_it_refuses_a_rendering_that_is_not_in_the_source_and_writes_nothing(commitment, other_source):
    with pytest.raises(ValidationError) as excinfo:
        rendering_add(target=commitment, source=other_source, text="The two countries will support invented cooperation.")
    assert "not verbatim" in excinfo.value.message_dict["text"][0]
    assert commitment.renderings.count() == 1


def test_removing_the_primary_promotes_another_and_the_last_one_stays(commitment, other_source):
    primary = commitment.renderings.get()
    second = rendering_add(target=commitment, source=other_source, text="international anti-pandemic cooperation")
    rendering_remove(rendering=primary)
    commitment.refresh_from_db()
    assert commitment.quote == second.text and Rendering.objects.get(pk=second.pk).is_primary
    with pytest.raises(ValidationError, match="at least one rendering"):
        rendering_remove(rendering=Rendering.objects.get(pk=second.pk))


def test_check_integrity_reports_moved_offsets_and_a_point_without_a_rendering(commitment):
    Rendering.objects.filter(commitment=commitment).update(start=6)
    Commitment.objects.create(statement=commitment.statement, parent=commitment, ordinal=1, title="bare", source=commitment.source,
                              quote="Second, they will set an exemplar.")
    problems = [str(v) for v in integrity_violations()]
    assert any("is not verbatim at [6:" in p for p in problems), problems
    assert any("“bare”: has no primary rendering" in p for p in problems), problems
    with pytest.raises(CommandError):
        call_command("check_integrity")


def test_the_data_migration_turns_each_quote_into_its_primary_rendering(make_statement, make_source):
    # Rows shaped as before renderings existed: a quote and a source on the row, nothing else.
    statement = make_statement(points=0, announced_count=1)
    source = statement.sources.get()
    point = Commitment.objects.create(statement=statement, ordinal=1, title="p", source=source,
                                      quote="Third, they will strengthen innovation.\nFourth, they will safeguard justice.")
    claim = Claim.objects.create(statement=statement, source=source, title="c", quote="has reached about 90%.")
    lost = Claim.objects.create(statement=statement, source=source, title="l", quote="Words the source never had.")
    kept = {"commitment_model": Commitment, "claim_model": Claim, "rendering_model": Rendering, "source_model": Source}
    assert renderings_from_quotes(**kept) == 3
    assert renderings_from_quotes(**kept) == 0, "running it again adds nothing"
    for obj in (point, claim):
        rendering = obj.renderings.get()
        assert rendering.is_primary and rendering.text == obj.quote and rendering.created_at == obj.created_at
        assert " ".join(SOURCE_TEXT[rendering.start:rendering.end].split()) == " ".join(obj.quote.split())
    assert lost.renderings.get().start is None, "kept, not dropped: check_integrity reports it"
    assert any(f"claim {lost.pk} “l”" in str(v) or f"claim {lost.pk}," in str(v) for v in integrity_violations())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the groups of migration 0002 survive the flush
def test_migration_0006_carries_existing_quotes_over():
    executor = MigrationExecutor(connection)
    executor.migrate([("commitments", "0005_status_intervals")])
    old = executor.loader.project_state([("commitments", "0005_status_intervals")]).apps
    party = old.get_model("commitments", "Party").objects.create(slug="cn", name="China")
    source = old.get_model("commitments", "Source").objects.create(slug="s", title="S", publisher="X", full_text=SOURCE_TEXT)
    statement = old.get_model("commitments", "Statement").objects.create(
        slug="st", title="St", announced_by="W", announcing_party=party, announced_on=date(2020, 9, 16), announced_count=1)
    old.get_model("commitments", "Commitment").objects.create(
        statement=statement, ordinal=1, title="p", source=source, quote="Second, they will   set an exemplar.")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    rendering = Rendering.objects.get()
    assert rendering.is_primary and SOURCE_TEXT[rendering.start:rendering.end] == "Second, they will set an exemplar."
    assert rendering.commitment.quote == "Second, they will   set an exemplar." and rendering.language == "en"


def test_a_link_reads_from_both_ends_and_refuses_itself(make_statement, make_source):
    earlier = make_statement(points=2).commitments.get(ordinal=1)
    later = make_statement(points=2).commitments.get(ordinal=2)
    commitment_link(from_commitment=later, to_commitment=earlier, kind=LinkKind.REAFFIRMS, rationale="Same words.", source=later.source)
    assert [(v.label, v.other) for v in commitment_links_of(commitment=later)] == [("reaffirms", earlier)]
    assert [(v.label, v.other) for v in commitment_links_of(commitment=earlier)] == [("reaffirmed by", later)]
    with pytest.raises(ValidationError, match="linked to itself"):
        commitment_link(from_commitment=later, to_commitment=later, kind=LinkKind.SUPERSEDES, rationale="x")
    with pytest.raises(ValidationError, match="exists already"):
        commitment_link(from_commitment=later, to_commitment=earlier, kind=LinkKind.REAFFIRMS, rationale="again")


def test_an_organisation_binds_its_members_on_the_statements_date(make_party, make_statement):
    org, early, late, left = (make_party(kind="organisation"), make_party(), make_party(), make_party())
    membership_add(organisation=org, member=early, since=date(2001, 6, 15))
    membership_add(organisation=org, member=late, since=date(2023, 7, 4))
    membership_add(organisation=org, member=left, since=date(2001, 6, 15), until=date(2019, 12, 31))
    statement = make_statement(points=1, announced_on=date(2021, 7, 14))
    statement.parties.add(org)
    assert set(members_at(organisation=org, on=date(2021, 7, 14))) == {early}
    point = statement.commitments.get()
    bound = {p.pk: Commitment.objects.filter(bound_party_q(parties=[p])).exists() for p in (org, early, late, left)}
    assert bound == {org.pk: True, early.pk: True, late.pk: False, left.pk: False}
    assert point in Commitment.objects.filter(bound_party_q(parties=[early]))
    with pytest.raises(ValidationError, match="Only an organisation"):
        membership_add(organisation=early, member=late)
