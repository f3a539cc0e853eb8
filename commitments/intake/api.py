"""The intake API: extract a text or a URL, then save an edited draft in one transaction.

    POST /api/v1/intake/        {"text": "..."} or {"url": "https://..."}  -> the extraction JSON (a slow URL: 202 and a job)
    GET  /api/v1/intake/jobs/<id>/                                          -> a URL being read by a worker, until done or failed
    POST /api/v1/intake/save/   a draft (below)                            -> 201 with the new ids

Both need a staff user with the permission to add statements (as the admin page does).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments.api.fields import HttpUrlField
from commitments.models import IntakeJob, Party, Statement, Theme
from commitments.tasks.intake import intake_read

from .drafts import Draft, DraftQuote, DraftSet, DraftSource
from .extract import extract
from .jobs import intake_job_create, intake_job_for, intake_job_wait
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
    themes = serializers.SlugRelatedField(slug_field="slug", queryset=Theme.objects.all(), many=True, required=False, default=list,
                                          help_text="Given to each of the set's points.")
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
    language = serializers.CharField(required=False, allow_blank=True, max_length=10, default="",
                                     help_text="BCP 47 tag; empty or absent: detected from the text (ISO 639-1).")
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
        attach_to=item.get("attach_to"), themes=list(item["themes"]),
    )


EXTRACTION = inline_serializer("IntakeExtraction", {
    "sets": serializers.ListField(child=serializers.DictField()),
    "claims": serializers.ListField(child=serializers.DictField()),
    "text_sha256": serializers.CharField(),
    "language": serializers.CharField(help_text="ISO 639-1 code of the text's language, detected; 'und' when unclear."),
})
SAVED = inline_serializer("IntakeSaved", {
    "source": serializers.IntegerField(), "statements": serializers.ListField(child=serializers.IntegerField()),
    "claims": serializers.ListField(child=serializers.IntegerField()),
})
PROPOSED = inline_serializer("IntakeProposed", {
    "proposal": serializers.IntegerField(help_text="The change proposal's id (review API kind `change`)."),
    "review_state": serializers.CharField(), "review_url": serializers.CharField(),
})


JOB = inline_serializer("IntakeJob", {
    "id": serializers.UUIDField(), "url": serializers.CharField(),
    "status": serializers.ChoiceField(choices=["pending", "running", "done", "failed"]),
    "poll": serializers.URLField(help_text="GET this until status is done or failed."),
    "error": serializers.DictField(allow_null=True, help_text='When failed: {"url": ["why, in plain words"]}.'),
    "result": inline_serializer("IntakeJobResult", {
        "sets": serializers.ListField(child=serializers.DictField()), "claims": serializers.ListField(child=serializers.DictField()),
        "text_sha256": serializers.CharField(), "language": serializers.CharField(),
        "text": serializers.CharField(help_text="The text read from the page: what the offsets index and what a saved draft holds."),
        "page": serializers.DictField(help_text="What the page says about itself: title, publisher, published_on, language."),
    }, allow_null=True),
})


def _job_body(request, job: IntakeJob) -> dict:
    done = job.state == IntakeJob.State.DONE
    return {
        "id": str(job.pk), "url": job.url, "status": job.state,
        "poll": request.build_absolute_uri(reverse("api:intake-job", args=[job.pk])),
        "error": {"url": [job.error]} if job.state == IntakeJob.State.FAILED else None,
        "result": {**job.extraction, "text": job.text, "page": job.page} if done else None,
    }


class IntakeExtractView(APIView):
    permission_classes = [CanAddStatements]

    @extend_schema(
        request=IntakeRequestSerializer, tags=["intake"],
        responses={200: EXTRACTION, 202: OpenApiResponse(JOB, description="A URL still being read: poll the job (Location)."),
                   400: OpenApiResponse(description='Bad input, or a URL that could not be read: {"url": ["why"]}.')},
        description="Find the numbered sets (announcement, announced count, points with exact offsets, deliverables) and the "
                    "candidate claims in a text or at a URL. Every quote is text[start:end].\n\n"
                    "A text is answered at once (200). A URL is read by a background worker through the SSRF-safe fetcher, so "
                    "a slow site never holds the web server: when the page is read within TRACKER_INTAKE_WAIT seconds (2 by "
                    "default) the answer is the same 200 as before, with the page's `text` and its metadata under `page` "
                    "(title, publisher, published_on, language), or a 400 saying in words why it could not be read; otherwise "
                    "202 with the job (also in `Location`): GET /api/v1/intake/jobs/{id}/ until its status is done or failed.",
        examples=[OpenApiExample("text", value={"text": "They agreed on two measures. First, meet. Second, talk."}, request_only=True),
                  OpenApiExample("url", value={"url": "https://www.example.org/readout.html"}, request_only=True)],
    )
    def post(self, request):
        serializer = IntakeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        text = serializer.validated_data.get("text")
        if text is not None:
            return Response(extract(text).as_json())
        job = intake_job_create(url=serializer.validated_data["url"], user=request.user)
        intake_read.delay(str(job.pk))
        job = intake_job_wait(job=job)
        body = _job_body(request, job)
        if job.state == IntakeJob.State.FAILED:
            raise ValidationError(body["error"])
        if job.state == IntakeJob.State.DONE:
            return Response(body["result"])
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["poll"]})


class IntakeJobView(APIView):
    permission_classes = [CanAddStatements]

    @extend_schema(responses={200: JOB, 404: OpenApiResponse(description="No such job of yours.")}, tags=["intake"],
                   description="A URL intake being read: pending or running, then done (its `result` is the extraction with the "
                               "page's `text` and `page` metadata) or failed (`error`). Only its requester (or a superuser) sees it.")
    def get(self, request, job_id):
        job = intake_job_for(job_id=job_id, user=request.user)
        if job is None:
            raise NotFound("No such intake job of yours.")
        return Response(_job_body(request, job))


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
