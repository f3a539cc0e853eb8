"""Filters for every list (django-filter). Statements, parties and themes are named by id or slug."""

from datetime import UTC

import django_filters as df
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter

from commitments.deadlines import overdue_q
from commitments.digests.periods import period_parse
from commitments.ids import id_parse
from commitments.models import (
    Claim,
    Commitment,
    CountKind,
    Evidence,
    Party,
    PartyAssessment,
    Source,
    Stance,
    Statement,
    Status,
    StatusUpdate,
    Verdict,
)
from commitments.parties import bound_party_q, responsible_party_q, statement_bound_parties
from commitments.selectors import has_evidence_filter
from commitments.text_search import rendered_match_q


def id_or_slug_q(path: str, value: str) -> Q:
    """Match `<path>` (the row itself when "") by id when `value` can be one (ASCII digits in range), else by slug."""
    prefix = f"{path}__" if path else ""
    pk = id_parse(value)
    return Q(**{f"{prefix}id": pk}) if pk is not None else Q(**{f"{prefix}slug": value})


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the view's filters.

    Building a FilterSet deep-copies every filter and builds and validates a form: on an
    unfiltered page that cost more than the page's own SQL (see bench/api.py).
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not _names_a_filter(request.query_params, filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _names_a_filter(params, filter_names) -> bool:
    # A prefix match also covers django-filter's suffixed parameters (`_min`, `_after` ...): when unsure, filter.
    return any(key == name or key.startswith(f"{name}_") for key in params for name in filter_names)


def _by_id_or_slug(path: str, *, many: bool):
    """A filter method matching `<path>` by numeric id or by slug."""

    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        queryset = queryset.filter(id_or_slug_q(path, value))
        return queryset.distinct() if many else queryset  # a many-to-many join can repeat rows

    return method


def id_or_slug(path: str, what: str, *, many: bool = False) -> df.CharFilter:
    return df.CharFilter(method=_by_id_or_slug(path, many=many), help_text=f"The {what}'s id or slug, e.g. `1` or `g7-2021`.")


BOUND_HELP = (
    "A party bound by the statement, by id or slug (e.g. `kazakhstan`): among the statement's parties, or a member, on the "
    "statement's date, of an organisation among them (the SCO binds its member states)."
)
RESPONSIBLE_HELP = "A party responsible for the point (a claim: a party it is about), by id or slug; no expansion to members."
PARTY_ALIAS_HELP = "Same as `bound_party` (kept for existing clients)."


def _party_method(relation: str, path: str):
    """A filter method for `bound_party` or `responsible_party` (commitments.parties owns both rules)."""

    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        party_ids = list(Party.objects.filter(id_or_slug_q("", value)).values_list("pk", flat=True))
        if relation == "bound":
            condition = bound_party_q(parties=party_ids, statement_path=path)
        else:
            condition = responsible_party_q(parties=party_ids, path=path)
        # A subquery, not a join: through a many-to-many (evidence -> commitments) a join would repeat rows.
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))

    return method


def bound_party_filter(path: str = "statement__", help_text: str = BOUND_HELP) -> df.CharFilter:
    return df.CharFilter(method=_party_method("bound", path), help_text=help_text)


def responsible_party_filter(path: str = "") -> df.CharFilter:
    return df.CharFilter(method=_party_method("responsible", path), help_text=RESPONSIBLE_HELP)


class UpdatedSinceFilter(df.IsoDateTimeFilter):
    """An ISO date-time, converted to UTC here: PostgreSQL refuses offsets beyond ±15:59 that Python accepts."""

    def filter(self, qs: QuerySet, value):
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError as exc:
                raise ValidationError({self.field_name: "This date-time is out of range."}) from exc
        return super().filter(qs, value)


UPDATED_SINCE = (
    "Only rows changed at or after this ISO 8601 date-time (incremental sync), e.g. `2024-05-01T00:00:00Z`. "
    "Switches to cursor pagination."
)


class CommitmentFilter(df.FilterSet):
    statement = id_or_slug("statement", "statement")
    bound_party = bound_party_filter()
    responsible_party = responsible_party_filter()
    party = bound_party_filter(help_text=PARTY_ALIAS_HELP)
    theme = id_or_slug("themes", "theme", many=True)
    status = df.MultipleChoiceFilter(
        choices=Status.choices, help_text="Current status; repeat for several, e.g. `status=in_progress&status=stalled`."
    )
    level = df.ChoiceFilter(
        choices=[("points", "points"), ("deliverables", "deliverables")], method="filter_level",
        help_text="`points`: numbered points only; `deliverables`: deliverables only. Both when absent.",
    )
    parent = df.NumberFilter(field_name="parent_id", help_text="Deliverables of this point (its id).")
    updated_since = UpdatedSinceFilter(field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE)
    has_evidence = df.BooleanFilter(method="filter_has_evidence", help_text="`true`: with at least one piece of evidence; `false`: none.")
    target_before = df.DateFilter(field_name="target_date", lookup_expr="lte", help_text="Target date on or before this date (YYYY-MM-DD).")
    target_after = df.DateFilter(field_name="target_date", lookup_expr="gte", help_text="Target date on or after this date (YYYY-MM-DD).")
    due_before = df.DateFilter(field_name="target_date", lookup_expr="lte", help_text="Due (target date) on or before this date (YYYY-MM-DD).")
    due_after = df.DateFilter(field_name="target_date", lookup_expr="gte", help_text="Due (target date) on or after this date (YYYY-MM-DD).")
    overdue = df.BooleanFilter(
        method="filter_overdue",
        help_text="`true`: the target date has passed (before today, UTC) and the status is not fulfilled, broken or not assessable; "
        "`false`: every other commitment.",
    )

    class Meta:
        model = Commitment
        fields = [
            "statement", "bound_party", "responsible_party", "party", "theme", "status", "level", "parent", "updated_since", "has_evidence",
            "target_before", "target_after", "due_before", "due_after", "overdue",
        ]

    def filter_level(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(parent__isnull=value == "points")

    def filter_has_evidence(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        exists = has_evidence_filter(model=Commitment)
        return queryset.filter(exists if value else ~exists)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        overdue = overdue_q(today=timezone.now().date())
        return queryset.filter(overdue if value else ~overdue)


class StatementFilter(df.FilterSet):
    bound_party = bound_party_filter(path="")
    party = bound_party_filter(path="", help_text=PARTY_ALIAS_HELP)
    count_kind = df.ChoiceFilter(choices=CountKind.choices, help_text="`announced`, `inferred` or `unnumbered`.")
    announcing_party = id_or_slug("announcing_party", "announcing party")
    theme = id_or_slug("commitments__themes", "theme", many=True)
    updated_since = UpdatedSinceFilter(field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE)
    announced_after = df.DateFilter(field_name="announced_on", lookup_expr="gte", help_text="Announced on or after (YYYY-MM-DD).")
    announced_before = df.DateFilter(field_name="announced_on", lookup_expr="lte", help_text="Announced on or before (YYYY-MM-DD).")

    class Meta:
        model = Statement
        fields = ["bound_party", "party", "count_kind", "announcing_party", "theme", "updated_since", "announced_after", "announced_before"]


class ClaimFilter(df.FilterSet):
    statement = id_or_slug("statement", "statement")
    bound_party = bound_party_filter()
    responsible_party = responsible_party_filter()
    party = bound_party_filter(help_text=PARTY_ALIAS_HELP)
    theme = id_or_slug("themes", "theme", many=True)
    source = id_or_slug("renderings__source", "source of any of its renderings", many=True)
    verdict = df.MultipleChoiceFilter(choices=Verdict.choices, help_text="Current verdict; repeat for several.")
    updated_since = UpdatedSinceFilter(field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE)
    has_evidence = df.BooleanFilter(method="filter_has_evidence", help_text="`true`: with at least one piece of evidence; `false`: none.")

    class Meta:
        model = Claim
        fields = ["statement", "bound_party", "responsible_party", "party", "theme", "source", "verdict", "updated_since", "has_evidence"]

    def filter_has_evidence(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        exists = has_evidence_filter(model=Claim)
        return queryset.filter(exists if value else ~exists)


class EvidenceFilter(df.FilterSet):
    commitment = df.NumberFilter(field_name="commitments__id", distinct=True, help_text="Evidence linked to this commitment (its id).")
    claim = df.NumberFilter(field_name="claims__id", distinct=True, help_text="Evidence linked to this claim (its id).")
    statement = df.CharFilter(method="filter_statement", help_text="Evidence on any commitment or claim of this statement (id or slug).")
    bound_party = bound_party_filter(path="commitments__statement__", help_text="A party bound by the statement of a linked commitment.")
    responsible_party = responsible_party_filter(path="commitments__")
    party = bound_party_filter(path="commitments__statement__", help_text=PARTY_ALIAS_HELP)
    theme = id_or_slug("commitments__themes", "theme of a linked commitment", many=True)
    stance = df.ChoiceFilter(choices=Stance.choices, help_text="Supports, contradicts or gives context.")
    updated_since = UpdatedSinceFilter(field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE)
    published_after = df.DateFilter(field_name="published_on", lookup_expr="gte", help_text="Published on or after (YYYY-MM-DD).")
    published_before = df.DateFilter(field_name="published_on", lookup_expr="lte", help_text="Published on or before (YYYY-MM-DD).")

    class Meta:
        model = Evidence
        fields = [
            "commitment", "claim", "statement", "bound_party", "responsible_party", "party", "theme", "stance", "updated_since",
            "published_after", "published_before",
        ]

    def filter_statement(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        linked = id_or_slug_q("commitments__statement", value) | id_or_slug_q("claims__statement", value)
        return queryset.filter(pk__in=Evidence.objects.filter(linked).values("pk"))


class PartyFilter(df.FilterSet):
    statement = df.CharFilter(
        method="filter_statement", help_text="Parties bound by this statement (id or slug), members of its organisations at its date included."
    )
    kind = df.ChoiceFilter(choices=Party.Kind.choices, help_text="Country or organisation.")

    class Meta:
        model = Party
        fields = ["statement", "kind"]

    def filter_statement(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        statement = Statement.objects.filter(id_or_slug_q("", value)).first()
        return queryset.filter(pk__in=statement_bound_parties(statement=statement).values("pk")) if statement else queryset.none()


class SourceFilter(df.FilterSet):
    statement = id_or_slug("statements", "statement", many=True)
    updated_since = UpdatedSinceFilter(field_name="updated_at", lookup_expr="gte", help_text=UPDATED_SINCE)
    language = df.CharFilter(help_text="BCP 47 language tag, e.g. `en`.")

    class Meta:
        model = Source
        fields = ["statement", "updated_since", "language"]


class AssessmentFilter(df.FilterSet):
    commitment = df.NumberFilter(field_name="commitment_id", help_text="Assessments of this commitment (its id).")
    statement = id_or_slug("commitment__statement", "statement")
    party = id_or_slug("party", "assessed party")
    theme = id_or_slug("commitment__themes", "theme", many=True)
    score = df.ChoiceFilter(choices=[(-1, "-1"), (0, "0"), (1, "1")], help_text="-1, 0 or 1.")
    updated_since = UpdatedSinceFilter(
        field_name="published_at", lookup_expr="gte", help_text="Only assessments published at or after this ISO 8601 date-time."
    )
    assessed_after = df.DateFilter(field_name="assessed_on", lookup_expr="gte", help_text="Assessed on or after (YYYY-MM-DD).")
    assessed_before = df.DateFilter(field_name="assessed_on", lookup_expr="lte", help_text="Assessed on or before (YYYY-MM-DD).")

    class Meta:
        model = PartyAssessment
        fields = ["commitment", "statement", "party", "theme", "score", "updated_since", "assessed_after", "assessed_before"]


class StatusChangeFilter(df.FilterSet):
    statement = id_or_slug("commitment__statement", "statement")
    bound_party = bound_party_filter(path="commitment__statement__")
    responsible_party = responsible_party_filter(path="commitment__")
    party = bound_party_filter(path="commitment__statement__", help_text=PARTY_ALIAS_HELP)
    theme = id_or_slug("commitment__themes", "theme", many=True)
    status = df.MultipleChoiceFilter(choices=Status.choices, help_text="The new status; repeat for several.")
    week = df.CharFilter(
        method="filter_week",
        help_text="The ISO week it was published in, e.g. `2026-W46`: the week the weekly digest counts it in (digest time zone).",
    )
    published_since = UpdatedSinceFilter(
        field_name="published_at", lookup_expr="gte",
        help_text="Published at or after this ISO 8601 date-time, e.g. `2024-05-01T00:00:00Z` (what changed since my last sync).",
    )
    published_until = UpdatedSinceFilter(
        field_name="published_at", lookup_expr="lt", help_text="Published before this ISO 8601 date-time (exclusive, so windows tile).",
    )
    recorded_since = UpdatedSinceFilter(
        field_name="recorded_at", lookup_expr="gte", help_text="Recorded (proposed) at or after this ISO 8601 date-time.",
    )
    recorded_until = UpdatedSinceFilter(
        field_name="recorded_at", lookup_expr="lt", help_text="Recorded before this ISO 8601 date-time (exclusive, so windows tile).",
    )
    effective_since = df.DateFilter(field_name="effective_on", lookup_expr="gte", help_text="In effect from this date or later (YYYY-MM-DD).")
    effective_until = df.DateFilter(field_name="effective_on", lookup_expr="lte", help_text="In effect from this date or earlier (YYYY-MM-DD).")

    class Meta:
        model = StatusUpdate
        fields = [
            "statement", "bound_party", "responsible_party", "party", "theme", "status", "week", "published_since", "published_until",
            "recorded_since", "recorded_until", "effective_since", "effective_until",
        ]

    def filter_week(self, queryset, name, value):
        try:
            return queryset.filter(period_parse(value).published_in())
        except ValueError as invalid:
            raise ValidationError({"week": [str(invalid)]}) from invalid


class RenderingSearchFilter(SearchFilter):
    """?search= on points and claims: their own fields (as SearchFilter does), or any of their renderings in any
    language (commitments.text_search: Russian stems and Chinese character pairs on PostgreSQL, substrings elsewhere)."""

    owner = {Commitment: "commitment", Claim: "claim"}

    def filter_queryset(self, request, queryset, view):
        terms = " ".join(self.get_search_terms(request))
        if not terms:
            return queryset
        own = super().filter_queryset(request, queryset, view).values("pk")
        rendered = rendered_match_q(terms, owner=self.owner[queryset.model], postgres=connection.vendor == "postgresql")
        return queryset.filter(Q(pk__in=own) | rendered)
