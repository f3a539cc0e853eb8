"""What the API shows and accepts. No personal data: no authors, no e-mail addresses."""

from collections.abc import Callable
from datetime import date, datetime
from functools import cache

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import DateTimeField
from rest_framework.settings import ISO_8601, api_settings

from commitments import permalinks, selectors
from commitments.api.fields import HttpUrlField, IdRelatedField
from commitments.api.link_health import LinkHealthListSerializer, LinkHealthMixin
from commitments.deadlines import overdue_since
from commitments.models import (
    Claim,
    Commitment,
    CountKind,
    Evidence,
    LinkKind,
    Party,
    PartyAssessment,
    Score,
    Source,
    Stance,
    Statement,
    Status,
    StatusUpdate,
    Theme,
    Verdict,
    VerdictUpdate,
)
from commitments.models.domain import point_number
from commitments.proposals import proposal_lines
from commitments.services import NewEvidence

_datetime = DateTimeField()


def _iso(value) -> str | None:
    return None if value is None else _datetime.to_representation(value)


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


@cache
def _list_path(basename: str) -> str:
    return reverse(f"api:{basename}-list")


def api_url_prefix(basename: str, *, request=None) -> str:
    """The absolute address of a resource's list; its detail is the prefix plus "<id>/". Same host rule as public links."""
    return permalinks.absolute(_list_path(basename), request=request)


def api_url(basename: str, pk: int, *, request=None) -> str:
    return f"{api_url_prefix(basename, request=request)}{pk}/"


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """The resource's own address in this API (`url`, where a resource has one, is its public page)."""

    def __init__(self, basename: str, **kwargs):
        self.basename = basename
        super().__init__(source="pk", read_only=True, help_text="This resource in the API.", **kwargs)

    def to_representation(self, pk: int) -> str:
        return api_url(self.basename, pk, request=self.context.get("request"))


class SlugRelatedField(serializers.SlugRelatedField):
    """A related object by slug; a NUL character (which PostgreSQL refuses in any query) is "not found", not a 500."""

    def to_internal_value(self, data):
        if "\x00" in str(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data).replace("\x00", ""))
        return super().to_internal_value(data)


class SlugList(serializers.ListField):
    child = serializers.SlugField()


@extend_schema_field({"type": "array", "items": {"type": "string"}, "readOnly": True, "deprecated": True})
class DeprecatedSlugList(serializers.Field):
    """An old field name kept for existing clients, marked deprecated in the schema: the slugs of a many-to-many."""

    def __init__(self, *, replaced_by: str, **kwargs):
        super().__init__(read_only=True, help_text=f"Deprecated: the same as `{replaced_by}` (kept for existing clients).",
                         **kwargs)

    def to_representation(self, related) -> list[str]:
        return [row.slug for row in related.all()]


class StatementBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()


class EvidenceBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    stance = serializers.ChoiceField(choices=Stance.choices)


class RenderingSerializer(serializers.Serializer):
    """One verbatim wording in one source: `text` stands at [start:end] of the source's full text."""

    id = serializers.IntegerField()
    source = serializers.IntegerField(help_text="The source's id.")
    source_title = serializers.CharField()
    text = serializers.CharField(help_text="Verbatim from the source (only whitespace may differ).")
    start = serializers.IntegerField(allow_null=True, help_text="Character offset in the source's full text; null when we hold no text.")
    end = serializers.IntegerField(allow_null=True)
    language = serializers.CharField()
    is_translation = serializers.BooleanField()
    translator = serializers.CharField()
    is_primary = serializers.BooleanField(help_text="Exactly one rendering is primary; `quote` and `source` repeat it.")


def rendering_dict(r) -> dict:
    """A prefetched Rendering as RenderingSerializer shows it."""
    return {
        "id": r.pk, "source": r.source_id, "source_title": r.source.title, "text": r.text, "start": r.start, "end": r.end,
        "language": r.language, "is_translation": r.is_translation, "translator": r.translator, "is_primary": r.is_primary,
    }


def translation_only(renderings: list[dict]) -> bool:
    """Known only through translations: no rendering is in an original text."""
    return bool(renderings) and all(r["is_translation"] for r in renderings)


class CommitmentLinkSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="reaffirms, supersedes, implements, reports_progress_on or contradicts (read from `out`).")
    direction = serializers.ChoiceField(choices=["out", "in"], help_text="`out`: this commitment is the link's subject; `in`: the other one is.")
    label = serializers.CharField(help_text='As read from this commitment: "reaffirms" or "reaffirmed by".')
    commitment = serializers.IntegerField(help_text="The other commitment's id.")
    number = serializers.CharField()
    title = serializers.CharField()
    statement = StatementBriefSerializer()
    rationale = serializers.CharField()
    source = serializers.IntegerField(allow_null=True, help_text="The source supporting the link.")


class CommitmentSerializer(serializers.Serializer):
    """A commitment with everything a dashboard shows.

    The fields below describe the output (and the OpenAPI schema); `to_representation` is
    written by hand because this list is the API's hot path (see bench/api.py). A test
    checks the two agree.
    """

    id = serializers.IntegerField(read_only=True)
    url = serializers.URLField(read_only=True, help_text="Its public page.")
    api_url = ApiUrlField("commitment")
    number = serializers.CharField(read_only=True, help_text='"3" for a point, "3.2" for a deliverable.')
    ordinal = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    quote = serializers.CharField(read_only=True, help_text="The primary rendering, verbatim from its source.")
    statement = StatementBriefSerializer(read_only=True)
    source = serializers.IntegerField(read_only=True, help_text="The primary rendering's source id.")
    renderings = RenderingSerializer(many=True, read_only=True, help_text="Every wording of it in every source, primary first.")
    translation_only = serializers.BooleanField(read_only=True, help_text="Every rendering is a translation.")
    links = CommitmentLinkSerializer(many=True, read_only=True, help_text="Typed links to other commitments, from both ends.")
    parent = serializers.IntegerField(read_only=True, allow_null=True, help_text="For a deliverable: its point's id.")
    deliverables = serializers.ListField(child=serializers.IntegerField(), read_only=True, help_text="Ids of this point's deliverables.")
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_label = serializers.CharField(read_only=True)
    status_since = serializers.DateField(read_only=True, allow_null=True)
    target_date = serializers.DateField(read_only=True, allow_null=True)
    overdue_since = serializers.DateField(
        read_only=True, allow_null=True,
        help_text="The day after the target date when that date has passed and the status is still open "
        "(not fulfilled, broken or not assessable); null when not overdue. `?overdue=true` lists these.",
    )
    responsible_parties = SlugList(
        read_only=True, help_text="Slugs of the parties responsible for it (`?responsible_party=`). The parties it binds are its "
        "statement's `bound_parties` (`?bound_party=`).",
    )
    parties = DeprecatedSlugList(replaced_by="responsible_parties")
    themes = SlugList(read_only=True, help_text="Slugs of its own themes; a deliverable also falls under its point's (`?theme=`, stats).")
    evidence_count = serializers.IntegerField(read_only=True)
    latest_evidence = EvidenceBriefSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, c: Commitment) -> dict:
        return commitment_representations([selectors.commitment_row(c)], request=self.context.get("request"))[0]


def iso_formatter(tz) -> Callable[[datetime | None], str | None]:
    """What DRF's DateTimeField gives (ISO 8601 in `tz`, "Z" for UTC), without its per-value lookups."""
    if api_settings.DATETIME_FORMAT.lower() != ISO_8601:
        return _iso

    def iso(value: datetime | None) -> str | None:
        if value is None:
            return None
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return iso


def commitment_representations(rows: list[dict], *, request=None) -> list[dict]:
    """Commitments as the API shows them, from selectors.commitment_rows() (labels, time zone and host looked up once)."""
    labels = {value: str(label) for value, label in Status.choices}
    iso = iso_formatter(timezone.get_current_timezone())
    base = permalinks.site_base(request=request)
    prefix = api_url_prefix("commitment", request=request)
    today = timezone.now().date()
    return [_commitment(row, labels, iso, base, prefix, today) for row in rows]


def _commitment(row: dict, labels: dict[str, str], iso: Callable, base: str, prefix: str, today: date) -> dict:
    latest = row["latest_evidence"]
    number = point_number(ordinal=row["ordinal"], parent_ordinal=row["parent_ordinal"] if row["parent"] is not None else None)
    return {
        "id": row["id"],
        "url": base + permalinks.commitment_path(statement_slug=row["statement_slug"], number=number),
        "api_url": f"{prefix}{row['id']}/",
        "number": number,
        "ordinal": row["ordinal"],
        "title": row["title"],
        "quote": row["quote"],
        "statement": {"id": row["statement_id"], "slug": row["statement_slug"], "title": row["statement_title"]},
        "source": row["source"],
        "renderings": row["renderings"],
        "translation_only": translation_only(row["renderings"]),
        "links": row["links"],
        "parent": row["parent"],
        "deliverables": row["deliverables"],
        "status": row["status"],
        "status_label": labels[row["status"]],
        "status_since": _day(row["status_since"]),
        "target_date": _day(row["target_date"]),
        "overdue_since": _day(overdue_since(status=row["status"], target_date=row["target_date"], today=today)),
        "responsible_parties": row["parties"],
        "parties": row["parties"],  # deprecated name of responsible_parties
        "themes": row["themes"],
        "evidence_count": row["evidence_count"],
        "latest_evidence": latest and {**latest, "published_on": _day(latest["published_on"])},
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }


class PublicUrlField(serializers.Field):
    """The absolute address of the object's public page (its get_absolute_url)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, help_text="Its public page.", **kwargs)

    def to_representation(self, obj) -> str:
        return permalinks.absolute(obj.get_absolute_url(), request=self.context.get("request"))


PublicUrlField = extend_schema_field(OpenApiTypes.URI)(PublicUrlField)


class StatementLinkSerializer(serializers.Serializer):
    kind = serializers.CharField()
    direction = serializers.ChoiceField(choices=["out", "in"])
    label = serializers.CharField(help_text='As read from this statement: "reaffirms" or "reaffirmed by".')
    statement = StatementBriefSerializer(help_text="The statement at the other end.")
    rationale = serializers.CharField()
    source = serializers.IntegerField(allow_null=True)


def _statement_link(link, other: Statement, *, outgoing: bool) -> dict:
    return {
        "kind": link.kind, "direction": "out" if outgoing else "in", "label": link.get_kind_display() if outgoing else link.inverse_label,
        "statement": {"id": other.pk, "slug": other.slug, "title": other.title}, "rationale": link.rationale, "source": link.source_id,
    }


class StatementSerializer(serializers.ModelSerializer):
    url = PublicUrlField()
    api_url = ApiUrlField("statement")
    announcing_party = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parties = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text="The parties the statement names as bound (without their members).",
    )
    bound_parties = serializers.SerializerMethodField(
        help_text="Every party it binds (`?bound_party=`): `parties` plus the members, at its date, of organisations among them."
    )
    sources = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    commitment_count = serializers.IntegerField(read_only=True, help_text="Numbered points recorded (deliverables not counted).")
    count_kind = serializers.ChoiceField(
        choices=CountKind.choices, read_only=True,
        help_text=(
            "`announced`: the source states the count; `inferred`: counted from ordinals (First ... Fifth); "
            "`unnumbered`: the tracker numbered the items."
        ),
    )
    count_label = serializers.CharField(read_only=True, help_text='"4 (announced)", "5 (inferred from ordinals)".')
    links = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = [
            "id", "url", "api_url", "slug", "title", "announced_by", "announcing_party", "announced_on", "meeting", "parties", "bound_parties",
            "sources",
            "announced_count", "count_kind", "count_label", "commitment_count", "announcement", "links", "created_at", "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_bound_parties(self, statement: Statement) -> list[str]:
        if "bound_slugs" not in self.context:  # once per page: {statement id: slugs}
            self.context["bound_slugs"] = selectors.bound_party_slugs()
        return self.context["bound_slugs"].get(statement.pk, [])

    @extend_schema_field(StatementLinkSerializer(many=True))
    def get_links(self, statement: Statement) -> list[dict]:
        return [_statement_link(link, link.to_statement, outgoing=True) for link in statement.links_out.all()] + [
            _statement_link(link, link.from_statement, outgoing=False) for link in statement.links_in.all()
        ]


class ClaimSerializer(serializers.ModelSerializer):
    url = PublicUrlField()
    api_url = ApiUrlField("claim")
    responsible_parties = serializers.SlugRelatedField(
        source="parties", slug_field="slug", many=True, read_only=True,
        help_text="The parties it is about (`?responsible_party=`); the parties it binds are its statement's `bound_parties`.",
    )
    parties = DeprecatedSlugList(replaced_by="responsible_parties")
    renderings = serializers.SerializerMethodField(help_text="Every wording of it in every source, primary first.")
    translation_only = serializers.SerializerMethodField(help_text="Every rendering is a translation.")
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    evidence_count = serializers.IntegerField(read_only=True)
    claimreview = serializers.SerializerMethodField(help_text="ClaimReview JSON-LD address, once the claim has a verdict.")

    class Meta:
        model = Claim
        fields = [
            "id", "url", "api_url", "title", "quote", "statement", "source", "renderings", "translation_only", "responsible_parties", "parties",
            "themes", "verdict",
            "verdict_rationale", "verdict_at", "evidence_count", "claimreview", "created_at", "updated_at",
        ]

    @extend_schema_field(RenderingSerializer(many=True))
    def get_renderings(self, claim: Claim) -> list[dict]:
        return [rendering_dict(r) for r in claim.renderings.all()]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_translation_only(self, claim: Claim) -> bool:
        return translation_only(self.get_renderings(claim))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_claimreview(self, claim: Claim) -> str | None:
        if claim.verdict == Verdict.NOT_CHECKED:
            return None
        return permalinks.absolute(reverse("api:claim-claimreview", kwargs={"pk": claim.pk}), request=self.context.get("request"))


class EvidenceSerializer(LinkHealthMixin, serializers.ModelSerializer):
    api_url = ApiUrlField("evidence")
    commitments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    claims = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Evidence
        list_serializer_class = LinkHealthListSerializer
        fields = [
            "id", "api_url", "url", "title", "publisher", "published_on", "excerpt", "stance", "commitments", "claims", "latest_check",
            "created_at", "updated_at",
        ]


class PartySerializer(serializers.ModelSerializer):
    url = PublicUrlField()
    api_url = ApiUrlField("party")

    class Meta:
        model = Party
        fields = ["id", "url", "api_url", "slug", "name", "kind", "iso_code"]


class ThemeSerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("theme")
    class Meta:
        model = Theme
        fields = ["id", "api_url", "slug", "name"]


class SourceSerializer(LinkHealthMixin, serializers.ModelSerializer):
    api_url = ApiUrlField("source")
    class Meta:
        model = Source
        list_serializer_class = LinkHealthListSerializer
        fields = [
            "id", "api_url", "slug", "title", "publisher", "published_on", "language", "is_translation", "original_language", "url",
            "latest_check", "created_at", "updated_at",
        ]


class StatusUpdateSerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("status-change")
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = StatusUpdate
        fields = ["id", "api_url", "commitment", "status", "effective_on", "rationale", "evidence", "recorded_at", "review_state", "published_at"]


class CommitmentBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    api_url = ApiUrlField("commitment")
    number = serializers.CharField(help_text='"3" for a point, "3.2" for a deliverable.')
    title = serializers.CharField()
    statement = StatementBriefSerializer()


class StatusChangeSerializer(serializers.ModelSerializer):
    """One published change of a commitment's status, with the commitment it is about."""

    api_url = ApiUrlField("status-change")
    commitment = CommitmentBriefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    previous_status = serializers.ChoiceField(
        choices=Status.choices, read_only=True, help_text="The status readers saw just before this change was published: from -> to.",
    )
    reviewed = serializers.SerializerMethodField(help_text="Whether a Reviewer other than its author published it (false with review off).")
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id", "api_url", "commitment", "previous_status", "status", "status_label", "effective_on", "rationale", "evidence", "recorded_at",
            "published_at", "reviewed",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_reviewed(self, update: StatusUpdate) -> bool:
        return update.reviewer_id is not None


class VerdictUpdateSerializer(serializers.ModelSerializer):
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = VerdictUpdate
        fields = ["id", "claim", "verdict", "rationale", "evidence", "recorded_at", "review_state", "published_at"]


class AssessmentSerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("assessment")
    party = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PartyAssessment
        fields = ["id", "api_url", "commitment", "party", "score", "assessed_on", "rationale", "evidence", "recorded_at", "review_state",
                  "published_at"]


# --- Input ------------------------------------------------------------------------------


class EvidenceProposalSerializer(serializers.ModelSerializer):
    """What POST /evidence/ answers: the proposed evidence, public (and listed) once a Reviewer publishes its revision."""

    proposal = serializers.SerializerMethodField(help_text="The revision that waits for review: kind and id in /api/v1/review/proposals/.")
    review_state = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "url", "title", "publisher", "published_on", "excerpt", "stance", "created_at", "published_at", "review_state", "proposal"]

    def _revision(self, evidence: Evidence):
        return evidence.revisions.order_by("-id").first()

    @extend_schema_field({"type": "object", "properties": {"kind": {"type": "string"}, "id": {"type": "integer"}}})
    def get_proposal(self, evidence: Evidence) -> dict:
        return {"kind": "evidence", "id": self._revision(evidence).pk}

    @extend_schema_field(OpenApiTypes.STR)
    def get_review_state(self, evidence: Evidence) -> str:
        return self._revision(evidence).review_state


class NewEvidenceSerializer(serializers.Serializer):
    url = HttpUrlField(max_length=2000)
    title = serializers.CharField(max_length=500)
    publisher = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    excerpt = serializers.CharField(required=False, default="", allow_blank=True)
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.SUPPORTS)

    def to_internal_value(self, data) -> NewEvidence:
        return NewEvidence(**super().to_internal_value(data))


class _WithEvidence(serializers.Serializer):
    evidence = IdRelatedField(
        many=True, queryset=Evidence.objects.all(), required=False, default=list, help_text="Ids of existing evidence to attach."
    )
    new_evidence = NewEvidenceSerializer(many=True, required=False, default=list, help_text="Evidence to create and attach.")


class StatusUpdateInputSerializer(_WithEvidence):
    status = serializers.ChoiceField(choices=Status.choices)
    effective_on = serializers.DateField(help_text="When the status became true (not when it is recorded).")
    rationale = serializers.CharField(required=False, default="", allow_blank=True)


class VerdictInputSerializer(_WithEvidence):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    rationale = serializers.CharField(required=False, default="", allow_blank=True)


class AssessmentInputSerializer(_WithEvidence):
    commitment = IdRelatedField(queryset=Commitment.objects.all())
    party = serializers.SlugRelatedField(slug_field="slug", queryset=Party.objects.all())
    score = serializers.ChoiceField(choices=Score.choices)
    assessed_on = serializers.DateField()
    rationale = serializers.CharField(allow_blank=True)


class EvidenceInputSerializer(serializers.Serializer):
    url = HttpUrlField(max_length=2000)
    title = serializers.CharField(max_length=500)
    publisher = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    excerpt = serializers.CharField(required=False, default="", allow_blank=True)
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.SUPPORTS)
    commitments = IdRelatedField(many=True, queryset=Commitment.objects.all(), required=False, default=list)
    claims = IdRelatedField(many=True, queryset=Claim.objects.all(), required=False, default=list)


class RenderingInputSerializer(serializers.Serializer):
    """A new wording of a commitment or claim: see commitments.renderings.rendering_add."""

    source = SlugRelatedField(slug_field="slug", queryset=Source.objects.all(), help_text="The source's slug.")
    text = serializers.CharField(help_text="Verbatim from the source's full text (only whitespace may differ).")
    start = serializers.IntegerField(required=False, min_value=0, help_text="Search from this offset (or the exact start, with `end`).")
    end = serializers.IntegerField(required=False, min_value=1)
    language = serializers.CharField(required=False, max_length=10, help_text="Default: the source's.")
    is_translation = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="Default: the source's.")
    translator = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    is_primary = serializers.BooleanField(required=False, default=False)


class CommitmentLinkInputSerializer(serializers.Serializer):
    to_commitment = IdRelatedField(queryset=Commitment.objects.all(), help_text="The earlier commitment's id.")
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    rationale = serializers.CharField()
    source = SlugRelatedField(slug_field="slug", queryset=Source.objects.all(), required=False, allow_null=True, default=None)


class ChangeLineSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(help_text="What readers see now.")
    new = serializers.CharField(help_text="What it would become.")


class ChangeProposalSerializer(serializers.Serializer):
    """A proposed change of public content (evidence, rendering, link), waiting for a Reviewer.

    Publish or reject it with POST /api/v1/review/proposals/change/{id}/approve/ (or reject/).
    """

    kind = serializers.CharField(default="change", help_text="The review API's kind: `change`.")
    id = serializers.IntegerField()
    change = serializers.CharField(source="kind_code", help_text="What it changes: evidence-new, rendering-add, ...")
    subject = serializers.CharField()
    review_state = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    changes = ChangeLineSerializer(many=True)
    review_url = serializers.CharField(help_text="Where a Reviewer publishes it (the review API).")


def change_proposal_dict(proposal, request) -> dict:
    return {
        "kind": "change", "id": proposal.pk, "kind_code": proposal.kind, "subject": proposal.subject, "review_state": proposal.review_state,
        "published_at": proposal.published_at,
        "changes": [{"field": f, "old": o, "new": n} for f, o, n in proposal_lines(proposal)],
        "review_url": request.build_absolute_uri(reverse("api:review-approve", args=["change", proposal.pk])),
    }
