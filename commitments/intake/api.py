"""The intake API: extract a text or a URL, then save an edited draft in one transaction.

    POST /api/v1/intake/        {"text": "..."} or {"url": "https://..."}  -> the extraction JSON
    POST /api/v1/intake/save/   a draft (below)                            -> 201 with the new ids

Both need a staff user with the permission to add statements (as the admin page does).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments.api.fields import HttpUrlField
from commitments.models import Party, Statement

from .drafts import Draft, DraftQuote, DraftSet, DraftSource
from .extract import extract
from .reading import ReadError, text_from_url
from .services import intake_propose


class CanAddStatements(BasePermission):
    message = "Intake needs a staff account with the permission to add statements."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user.is_authenticated and user.is_staff and user.has_perm("commitments.add_statement"))


class IntakeRequestSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, trim_whitespace=False, max_length=2_000_000)
    url = HttpUrlField(required=False)

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("text")) == bool(attrs.get("url")):
            raise ValidationError({"non_field_errors": ["Give either a text or a URL."]})
        return attrs


class QuoteSerializer(serializers.Serializer):
    quote = serializers.CharField(trim_whitespace=False)
    start = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    end = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    title = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class PointSerializer(QuoteSerializer):
    deliverables = QuoteSerializer(many=True, required=False, default=list)


class SetSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    announced_by = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    announcing_party = serializers.SlugRelatedField(slug_field="slug", queryset=Party.objects.all(), required=False, allow_null=True)
    announced_on = serializers.DateField(required=False, allow_null=True)
    meeting = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    parties = serializers.SlugRelatedField(slug_field="slug", queryset=Party.objects.all(), many=True, required=False, default=list)
    announcement = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")
    announced_count = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    attach_to = serializers.PrimaryKeyRelatedField(queryset=Statement.objects.all(), required=False, allow_null=True)
    points = PointSerializer(many=True)


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    publisher = serializers.CharField(max_length=200)
    full_text = serializers.CharField(trim_whitespace=False)
    url = HttpUrlField(required=False, allow_blank=True, default="")
    published_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, max_length=10, default="en")
    is_translation = serializers.BooleanField(required=False, default=False)
    original_language = serializers.CharField(required=False, allow_blank=True, max_length=10, default="")


class DraftSerializer(serializers.Serializer):
    source = SourceSerializer()
    sets = SetSerializer(many=True)
    claims = QuoteSerializer(many=True, required=False, default=list)

    def draft(self) -> Draft:
        data = self.validated_data
        return Draft(
            source=DraftSource(**data["source"]),
            sets=[_draft_set(item) for item in data["sets"]],
            claims=[_draft_quote(item) for item in data["claims"]],
        )


def _draft_quote(item: dict) -> DraftQuote:
    return DraftQuote(item["quote"], item.get("start"), item.get("end"), item.get("title", ""),
                      [_draft_quote(d) for d in item.get("deliverables", [])])


def _draft_set(item: dict) -> DraftSet:
    return DraftSet(
        title=item["title"], announced_by=item["announced_by"], announcing_party=item.get("announcing_party"),
        announced_on=item.get("announced_on"), announcement=item["announcement"], announced_count=item.get("announced_count"),
        points=[_draft_quote(p) for p in item["points"]], parties=list(item["parties"]), meeting=item["meeting"],
        attach_to=item.get("attach_to"),
    )


EXTRACTION = inline_serializer("IntakeExtraction", {
    "sets": serializers.ListField(child=serializers.DictField()),
    "claims": serializers.ListField(child=serializers.DictField()),
    "text_sha256": serializers.CharField(),
})
SAVED = inline_serializer("IntakeSaved", {
    "source": serializers.IntegerField(), "statements": serializers.ListField(child=serializers.IntegerField()),
    "claims": serializers.ListField(child=serializers.IntegerField()),
})
PROPOSED = inline_serializer("IntakeProposed", {
    "proposal": serializers.IntegerField(help_text="The change proposal's id (review API kind `change`)."),
    "review_state": serializers.CharField(), "review_url": serializers.CharField(),
})


class IntakeExtractView(APIView):
    permission_classes = [CanAddStatements]

    @extend_schema(
        request=IntakeRequestSerializer, responses={200: EXTRACTION}, tags=["intake"],
        description="Find the numbered sets (announcement, announced count, points with exact offsets, deliverables) and the "
                    "candidate claims in a text or at a URL (fetched through the SSRF-safe fetcher). Every quote is text[start:end].",
        examples=[OpenApiExample("text", value={"text": "They agreed on two measures. First, meet. Second, talk."}, request_only=True)],
    )
    def post(self, request):
        serializer = IntakeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        text = serializer.validated_data.get("text")
        if text is not None:
            return Response(extract(text).as_json())
        try:
            text = text_from_url(serializer.validated_data["url"])
        except ReadError as error:
            raise ValidationError({"url": [str(error)]}) from error
        # The text read from the page is what the offsets index and what a saved draft must hold.
        return Response({**extract(text).as_json(), "text": text})


class IntakeSaveView(APIView):
    permission_classes = [CanAddStatements]

    @extend_schema(
        request=DraftSerializer, responses={201: SAVED, 202: PROPOSED}, tags=["intake"],
        description="Propose an edited draft (202); a Reviewer who did not propose it publishes it, and only then is it "
                    "saved in one transaction (201 at once with review off): the Source, each Statement with its numbered points and "
                    "deliverables (or, with attach_to, the source joins a recorded statement), and the claims. "
                    "A 400 names each bad field (e.g. sets.0.points.2.quote) and nothing is written.",
    )
    def post(self, request):
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            proposal = intake_propose(draft=serializer.draft(), author=request.user)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}) from error
        if not proposal.is_published:
            body = {"proposal": proposal.pk, "review_state": proposal.review_state,
                    "review_url": request.build_absolute_uri(reverse("api:review-approve", args=["change", proposal.pk]))}
            return Response(body, status=status.HTTP_202_ACCEPTED)
        saved = proposal.applied  # review off: written at once, as before
        body = {"source": saved.source.pk, "statements": [s.pk for s in saved.statements], "claims": [c.pk for c in saved.claims]}
        return Response(body, status=status.HTTP_201_CREATED)
