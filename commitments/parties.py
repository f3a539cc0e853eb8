"""Who a statement binds and who answers for a point: the two party relations, each with one owner.

- **bound_party**: the parties a statement binds. Its own parties, and the members at the
  statement's date of every organisation among them ("SCO" in September 2020 binds its eight
  member states then). A commitment or claim is bound on a party through its statement.
- **responsible_party**: the parties responsible for one point (`Commitment.parties`), or the
  parties a claim is about (`Claim.parties`), as recorded on it; no expansion.

The API filters, the digest subscriptions, the stats and the pages all use these functions.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import F, Q, QuerySet

from commitments.models import Claim, Commitment, Membership, Party, Statement


def _member_at(prefix: str, day) -> Q:
    """A membership row (reached through `prefix`) valid on `day` (a date or an F expression)."""
    return (Q(**{f"{prefix}since__isnull": True}) | Q(**{f"{prefix}since__lte": day})) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": day})
    )


def members_at(*, organisation: Party, on: date) -> QuerySet[Party]:
    """The members of an organisation on a day."""
    return Party.objects.filter(_member_at("member_of__", on), member_of__organisation=organisation).distinct()


def _memberships_bound() -> QuerySet[Membership]:
    """Memberships valid at the date of a statement binding their organisation (one join, so one filter call)."""
    return Membership.objects.filter(_member_at("", F("organisation__statements__announced_on")), organisation__statements__isnull=False)


def _party_ids(parties: Iterable[Party | int] | QuerySet) -> list[int] | QuerySet:
    """Parties as `__in` takes them: a queryset of ids stays a subquery; parties or ids become a list of ids."""
    return parties if isinstance(parties, QuerySet) else [getattr(p, "pk", p) for p in parties]


def bound_statements(*, parties: Iterable[Party | int] | QuerySet) -> Q:
    """Statement filter: statements binding any of these parties, directly or through an organisation."""
    ids = _party_ids(parties)
    direct = Statement.parties.through.objects.filter(party_id__in=ids).values("statement_id")
    through_membership = _memberships_bound().filter(member_id__in=ids).values("organisation__statements__id")
    return Q(pk__in=direct) | Q(pk__in=through_membership)


def bound_party_q(*, parties: Iterable[Party | int] | QuerySet, statement_path: str = "statement__") -> Q:
    """Filter for commitments or claims (`statement__`), statements (``) or assessments
    (`commitment__statement__`) whose statement binds any of these parties."""
    statements = Statement.objects.filter(bound_statements(parties=parties)).values("pk")
    return Q(**{f"{statement_path}pk__in": statements}) if statement_path else Q(pk__in=statements)


def responsible_party_q(*, parties: Iterable[Party | int] | QuerySet, path: str = "") -> Q:
    """Filter for commitments or claims (``), or rows reaching them through `path` (`commitment__`)."""
    return Q(**{f"{path}parties__in": _party_ids(parties)})


def party_concerns_q(*, parties: Iterable[Party | int] | QuerySet, model: type[Commitment] | type[Claim]) -> Q:
    """Filter for commitments or claims (`model`) a party concerns: bound by it (bound_party) or its responsibility / about it
    (responsible_party). The pages' and the search's party filter. `parties` may be a queryset of ids."""
    ids = _party_ids(parties)
    responsible = model.objects.filter(responsible_party_q(parties=ids)).values("pk")
    return Q(pk__in=responsible) | bound_party_q(parties=ids)


def bound_parties_by_statement() -> dict[int, frozenset[int]]:
    """{statement id: ids of the parties it binds}, members included: the in-memory form (digests). Two queries."""
    pairs: dict[int, set[int]] = defaultdict(set)
    for statement_id, party_id in Statement.parties.through.objects.values_list("statement_id", "party_id"):
        pairs[statement_id].add(party_id)
    for statement_id, party_id in _memberships_bound().values_list("organisation__statements__id", "member_id"):
        pairs[statement_id].add(party_id)
    return {pk: frozenset(ids) for pk, ids in pairs.items()}


def statement_bound_parties(*, statement: Statement) -> QuerySet[Party]:
    """The parties one statement binds, members at its date included."""
    return Party.objects.filter(
        Q(statements=statement) | Q(_member_at("member_of__", statement.announced_on), member_of__organisation__statements=statement)
    ).distinct()


@transaction.atomic
def membership_add(*, organisation: Party, member: Party, since: date | None = None, until: date | None = None, basis: str = "") -> Membership:
    membership = Membership(organisation=organisation, member=member, since=since, until=until, basis=basis)
    membership.full_clean()
    membership.save()
    return membership
