"""Read-only lists for dashboards; writes append history through commitments.services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from commitments import proposals, selectors, services
from commitments.api import filters, serializers
from commitments.api.conditional import ConditionalMixin
from commitments.api.filters import FilterBackend
from commitments.api.pagination import PublishedCursorPagination
from commitments.api.renderers import CSVRenderer, ORJSONRenderer
from commitments.models import Claim, Commitment, CommitmentLink, Evidence, PartyAssessment, Rendering, StatusUpdate, VerdictUpdate

LIST_RENDERERS = [ORJSONRenderer, BrowsableAPIRenderer, CSVRenderer]
FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv"],
    description="`csv` exports every matching row (same filters, no pages). (`api`, the browsable page for people, is not part of the API.)",
)


def service_call(call, **kwargs):
    """Run a service; its ValidationError becomes a 400 with the same field messages."""
    try:
        return call(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}) from exc


RENDERINGS_DOC = extend_schema(
    methods=["POST"], request=serializers.RenderingInputSerializer,
    responses={201: serializers.RenderingSerializer, 202: serializers.ChangeProposalSerializer}, filters=False,
    description="Propose a rendering: the same point worded in another source (needs the permission to add renderings). "
    "202: a proposal, public once a Reviewer publishes it; 201 (the rendering) only with review off.",
)


def proposal_response(proposal, request) -> Response:
    """202 with the proposal: nothing readers see changed; a Reviewer publishes it (the review API)."""
    return Response(serializers.ChangeProposalSerializer(serializers.change_proposal_dict(proposal, request)).data,
                    status=status.HTTP_202_ACCEPTED)


def rendering_post(request, target) -> Response:
    proposal = service_call(proposals.rendering_propose, target=target, author=request.user,
                            **_valid(serializers.RenderingInputSerializer, request))
    if not proposal.is_published:
        return proposal_response(proposal, request)
    rendering = target.renderings.select_related("source").latest("pk")  # review off: written at once, as before
    return Response(serializers.rendering_dict(rendering), status=status.HTTP_201_CREATED)


class ReadViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """A list and its detail, filterable, conditional (ETag / Last-Modified), exportable as CSV."""

    renderer_classes = LIST_RENDERERS
    filter_backends = [FilterBackend, SearchFilter, OrderingFilter]
    ordering = ["id"]
    lookup_value_regex = "[0-9]+"  # anything else is a 404, not a database error
    sync_ordering: tuple[str, ...] | None = ("updated_at", "id")
    write_models: dict = {}


_list_docs = extend_schema(parameters=[FORMAT])


@extend_schema_view(list=_list_docs)
class StatementViewSet(ReadViewSet):
    """Statements: numbered sets of commitments, with the parties they bind."""

    queryset = selectors.statement_list()
    serializer_class = serializers.StatementSerializer
    filterset_class = filters.StatementFilter
    search_fields = ["title", "announcement", "meeting"]
    ordering_fields = ["id", "announced_on", "title", "updated_at"]


COMMITMENT_EXAMPLE = OpenApiExample(
    "A status change with new evidence",
    request_only=True,
    value={
        "status": "fulfilled", "effective_on": "2024-05-01", "rationale": "The fund was set up and paid out.",
        "new_evidence": [{"url": "https://www.example.org/press/2024-05-01", "title": "Fund launched", "stance": "supports"}],
    },
)


@extend_schema_view(
    list=extend_schema(
        parameters=[FORMAT],
        description="Commitments (numbered points and their deliverables) with current status, parties, themes and latest evidence.",
    ),
)
class CommitmentViewSet(ReadViewSet):
    """Commitments: numbered points and their deliverables, with status, parties, themes and latest evidence."""

    queryset = selectors.commitment_list()
    serializer_class = serializers.CommitmentSerializer
    filterset_class = filters.CommitmentFilter
    search_fields = ["title", "quote"]
    filter_backends = [FilterBackend, filters.RenderingSearchFilter, OrderingFilter]
    ordering_fields = ["id", "updated_at", "target_date", "status", "status_since", "ordinal"]
    write_models = {"history": StatusUpdate, "renderings": Rendering, "links": CommitmentLink}

    def get_serializer(self, *args, **kwargs):
        if args and isinstance(args[0], Commitment):
            selectors.commitments_count_evidence(commitments=[args[0]])
        return super().get_serializer(*args, **kwargs)

    def list(self, request, *args, **kwargs):
        """The API's hot path: paginate bare keys, then fetch the page's rows in one query (no model instances)."""
        queryset = self.filter_queryset(self.get_queryset())
        if not_modified := self.conditional_check(queryset):
            return not_modified
        keys = queryset.prefetch_related(None).values("id", "updated_at")  # what the page and cursor pagination need
        if (unevaluated := self.paginator.page_unevaluated(keys, request, view=self)) is not None:
            data = serializers.commitment_representations(selectors.commitment_rows_page(page=unevaluated), request=request)
            return self.get_paginated_response(data)
        page = self.paginate_queryset(keys)
        ids = [key["id"] for key in (keys if page is None else page)]
        data = serializers.commitment_representations(selectors.commitment_rows(ids=ids), request=request)
        return Response(data) if page is None else self.get_paginated_response(data)

    @extend_schema(
        methods=["GET"], responses=serializers.StatusUpdateSerializer(many=True),
        description="The commitment's published status history, newest first.",
        filters=False,
    )
    @extend_schema(
        methods=["POST"], request=serializers.StatusUpdateInputSerializer, responses={201: serializers.StatusUpdateSerializer},
        examples=[COMMITMENT_EXAMPLE], description="Propose a status change (needs the permission to add status updates); "
        "it shows in the history once a reviewer publishes it.",
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], renderer_classes=[ORJSONRenderer, BrowsableAPIRenderer], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        commitment = get_object_or_404(Commitment.objects.only("id"), pk=pk)
        if request.method == "GET":
            return Response(serializers.StatusUpdateSerializer(selectors.status_history(commitment_id=commitment.pk), many=True).data)
        data = _valid(serializers.StatusUpdateInputSerializer, request)
        update = service_call(services.status_update_record, commitment=commitment, author=request.user, **data)
        return Response(serializers.StatusUpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    @RENDERINGS_DOC
    @action(detail=True, methods=["post"], renderer_classes=[ORJSONRenderer], pagination_class=None, filter_backends=[])
    def renderings(self, request, pk=None):
        return rendering_post(request, get_object_or_404(Commitment.objects.all(), pk=pk))

    @extend_schema(
        methods=["POST"], request=serializers.CommitmentLinkInputSerializer,
        responses={201: serializers.CommitmentLinkSerializer, 202: serializers.ChangeProposalSerializer},
        filters=False, description="Propose a link from this (later) commitment to an earlier one: reaffirms, supersedes, implements, ... "
        "202: a proposal, public once a Reviewer publishes it; with review off 201, the new link as this commitment reads it.",
    )
    @action(detail=True, methods=["post"], renderer_classes=[ORJSONRenderer], pagination_class=None, filter_backends=[])
    def links(self, request, pk=None):
        commitment = get_object_or_404(Commitment.objects.all(), pk=pk)
        data = _valid(serializers.CommitmentLinkInputSerializer, request)
        proposal = service_call(proposals.link_propose, origin=commitment, to=data.pop("to_commitment"), author=request.user, **data)
        if not proposal.is_published:
            return proposal_response(proposal, request)
        link = commitment.links_out.latest("pk")  # review off: made at once, as before
        return Response(selectors.commitment_link_as_made(link=link), status=status.HTTP_201_CREATED)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(
        parameters=[FORMAT],
        description="Every published status change across commitments, in the order published (oldest first), cursor-paginated: "
        "follow `next` until it is null. For \"what changed since my last sync?\" pass `published_since` (the last `published_at` "
        "you hold): a change recorded earlier but published later still shows up.",
    ),
)
class StatusChangeViewSet(ReadViewSet):
    """Status changes: each recorded change of a commitment's status, with its rationale and evidence."""

    queryset = selectors.status_changes()
    serializer_class = serializers.StatusChangeSerializer
    filterset_class = filters.StatusChangeFilter
    filter_backends = [FilterBackend]
    pagination_class = PublishedCursorPagination
    fingerprint_field = "published_at"
    sync_ordering = None


@extend_schema_view(list=_list_docs)
class ClaimViewSet(ReadViewSet):
    """Factual claims quoted from sources, with their current verdict."""

    queryset = selectors.claim_list()
    serializer_class = serializers.ClaimSerializer
    filterset_class = filters.ClaimFilter
    search_fields = ["title", "quote"]
    filter_backends = [FilterBackend, filters.RenderingSearchFilter, OrderingFilter]
    ordering_fields = ["id", "updated_at", "verdict_at"]
    write_models = {"verdicts": VerdictUpdate, "renderings": Rendering}

    @RENDERINGS_DOC
    @action(detail=True, methods=["post"], renderer_classes=[ORJSONRenderer], pagination_class=None, filter_backends=[])
    def renderings(self, request, pk=None):
        return rendering_post(request, get_object_or_404(Claim.objects.all(), pk=pk))

    @extend_schema(
        methods=["GET"], responses=serializers.VerdictUpdateSerializer(many=True), description="The claim's verdicts, newest first.", filters=False,
    )
    @extend_schema(
        methods=["POST"], request=serializers.VerdictInputSerializer, responses={201: serializers.VerdictUpdateSerializer}, filters=False,
        examples=[OpenApiExample(
            "A verdict", request_only=True, value={"verdict": "misleading", "rationale": "The rate counts restarted projects only."},
        )],
        description="Propose a verdict (needs the permission to add verdict updates); it shows once a reviewer publishes it.",
    )
    @action(detail=True, methods=["get", "post"], renderer_classes=[ORJSONRenderer, BrowsableAPIRenderer], pagination_class=None, filter_backends=[])
    def verdicts(self, request, pk=None):
        claim = get_object_or_404(Claim.objects.only("id"), pk=pk)
        if request.method == "GET":
            return Response(serializers.VerdictUpdateSerializer(selectors.verdict_history(claim_id=claim.pk), many=True).data)
        data = _valid(serializers.VerdictInputSerializer, request)
        update = service_call(services.verdict_update_record, claim=claim, author=request.user, **data)
        return Response(serializers.VerdictUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=_list_docs,
    create=extend_schema(
        request=serializers.EvidenceInputSerializer, responses={201: serializers.EvidenceProposalSerializer},
        examples=[OpenApiExample("Evidence on a commitment", request_only=True, value={
            "url": "https://www.example.org/report", "title": "Progress report", "stance": "supports", "commitments": [1],
        })],
    ),
)
class EvidenceViewSet(mixins.CreateModelMixin, ReadViewSet):
    """Evidence: documents that support, contradict or give context to assessments."""

    queryset = selectors.evidence_list()
    serializer_class = serializers.EvidenceSerializer
    filterset_class = filters.EvidenceFilter
    search_fields = ["title", "excerpt", "publisher"]
    ordering_fields = ["id", "updated_at", "published_on", "created_at"]
    write_models = {"create": Evidence}

    def create(self, request, *args, **kwargs):
        data = _valid(serializers.EvidenceInputSerializer, request)
        commitments, claims = data.pop("commitments"), data.pop("claims")
        evidence = service_call(
            services.evidence_create, data=services.NewEvidence(**data), created_by=request.user, commitments=commitments, claims=claims,
        )
        # Proposed: public (and in this list) once a Reviewer publishes it; 201 answers the draft with its revision.
        return Response(serializers.EvidenceProposalSerializer(evidence).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=_list_docs)
class PartyViewSet(ReadViewSet):
    """Countries and organisations that announce or owe commitments."""

    queryset = selectors.party_list()
    serializer_class = serializers.PartySerializer
    filterset_class = filters.PartyFilter
    search_fields = ["name", "slug"]
    ordering_fields = ["id", "name"]
    fingerprint_field = None
    sync_ordering = None


@extend_schema_view(list=_list_docs)
class ThemeViewSet(ReadViewSet):
    """Themes that group commitments and claims."""

    queryset = selectors.theme_list()
    serializer_class = serializers.ThemeSerializer
    filterset_class = None
    filter_backends = [SearchFilter, OrderingFilter]
    search_fields = ["name", "slug"]
    ordering_fields = ["id", "name"]
    fingerprint_field = None
    sync_ordering = None


@extend_schema_view(list=_list_docs)
class SourceViewSet(ReadViewSet):
    """Source documents, each with `latest_check`: the current health of its URL and quotes."""

    queryset = selectors.source_list()
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter
    search_fields = ["title", "publisher"]
    ordering_fields = ["id", "published_on", "updated_at"]


@extend_schema_view(
    list=_list_docs,
    create=extend_schema(
        request=serializers.AssessmentInputSerializer, responses={201: serializers.AssessmentSerializer},
        examples=[OpenApiExample("Full compliance", request_only=True, value={
            "commitment": 1, "party": "canada", "score": 1, "assessed_on": "2024-05-01", "rationale": "Paid in full.",
        })],
    ),
)
class AssessmentViewSet(mixins.CreateModelMixin, ReadViewSet):
    """Party assessments on the G7 Research Group's scale (-1, 0, +1): the full published history.

    A POST proposes one; it is listed here once a reviewer publishes it.
    """

    queryset = selectors.assessment_list()
    serializer_class = serializers.AssessmentSerializer
    filterset_class = filters.AssessmentFilter
    search_fields = ["rationale"]
    ordering_fields = ["id", "assessed_on", "recorded_at", "published_at"]
    fingerprint_field = "published_at"
    sync_ordering = ("published_at", "id")
    write_models = {"create": PartyAssessment}

    def create(self, request, *args, **kwargs):
        data = _valid(serializers.AssessmentInputSerializer, request)
        assessment = service_call(services.assessment_record, author=request.user, **data)
        return Response(serializers.AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

