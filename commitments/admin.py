"""The staff workflow: browse statements and commitments, record statuses with evidence.

History rows are never editable here: they are recorded through the services and
shown read-only, newest first.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from commitments import services
from commitments.admin_base import AppendOnlyAdmin, AuditedAdmin, IntakeAddedAdmin, ReadOnlyAdmin, StaffAwareLoginForm, badge
from commitments.forms import EvidenceForm, RecordStatusForm, RecordVerdictForm
from commitments.history import ASSESSMENT_ORDER, NEWEST_FIRST
from commitments.http_urls import link_html
from commitments.ids import id_parse
from commitments.integrity import numbering_problem, statements_with_numbering
from commitments.models import (
    Claim,
    Commitment,
    Evidence,
    Party,
    PartyAssessment,
    Source,
    Statement,
    Status,
    StatusUpdate,
    Theme,
    Verdict,
    VerdictUpdate,
)
from commitments.parties import bound_party_q
from commitments.relations_admin import (
    ClaimNewRenderingInline,
    ClaimRenderingInline,
    CommitmentLinkInline,
    CommitmentNewRenderingInline,
    CommitmentRenderingInline,
    IncomingCommitmentLinkInline,
    IncomingStatementLinkInline,
    MemberOfInline,
    MembershipInline,
    QuotedAdminMixin,
    StatementLinkInline,
)

STATUS_COLOURS = {
    Status.NOT_YET_RATED: "#6b7280",
    Status.NOT_STARTED: "#9ca3af",
    Status.IN_PROGRESS: "#2563eb",
    Status.PARTIALLY_FULFILLED: "#d97706",
    Status.FULFILLED: "#059669",
    Status.STALLED: "#7c3aed",
    Status.BROKEN: "#dc2626",
    Status.NOT_ASSESSABLE: "#374151",
}
VERDICT_COLOURS = {
    Verdict.NOT_CHECKED: "#6b7280",
    Verdict.ACCURATE: "#059669",
    Verdict.MOSTLY_ACCURATE: "#65a30d",
    Verdict.MISLEADING: "#d97706",
    Verdict.FALSE: "#dc2626",
    Verdict.UNVERIFIABLE: "#374151",
}


class HasTargetDateFilter(admin.SimpleListFilter):
    title = "target date"
    parameter_name = "has_target_date"

    def lookups(self, request, model_admin):
        return [("yes", "Has a target date"), ("no", "No target date")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(target_date__isnull=self.value() == "no")
        return queryset


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("point", "Numbered points"), ("deliverable", "Deliverables")]

    def queryset(self, request, queryset):
        if self.value() in ("point", "deliverable"):
            return queryset.filter(parent__isnull=self.value() == "point")
        return queryset


class BoundPartyFilter(admin.SimpleListFilter):
    """Commitments whose statement binds the party (an organisation's members at its date included)."""

    title = "bound party"
    parameter_name = "bound_party"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Party.objects.values_list("pk", "name")]

    def queryset(self, request, queryset):
        if (party := id_parse(self.value())) is not None:
            return queryset.filter(bound_party_q(parties=[party]))
        return queryset


@admin.register(Party)
class PartyAdmin(AuditedAdmin):
    list_display = ["name", "kind", "iso_code"]
    list_filter = ["kind"]
    search_fields = ["name", "iso_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, MemberOfInline]


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(IntakeAddedAdmin, AuditedAdmin):
    list_display = ["title", "publisher", "published_on", "language", "is_translation", "has_text"]
    list_filter = ["publisher", "language", "is_translation"]
    search_fields = ["title", "publisher", "full_text"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}

    @admin.display(boolean=True, description="full text held", ordering="text_held")
    def has_text(self, obj: Source) -> bool:
        return obj.text_held

    def get_queryset(self, request):
        # Full texts are long: the list needs only whether one is held.
        text_held = ExpressionWrapper(~Q(full_text=""), output_field=BooleanField())
        return super().get_queryset(request).defer("full_text").annotate(text_held=text_held)


def record_status_link(commitment: Commitment) -> str:
    """One click from a list of points to the page that records a status for one of them."""
    if commitment.pk is None:
        return ""
    return format_html('<a href="{}" class="record-link">Record status</a>', reverse("admin:commitments_commitment_record", args=[commitment.pk]))


class PointInline(admin.TabularInline):
    """The numbered points of a statement (deliverables are edited on their point)."""

    model = Commitment
    fk_name = "statement"
    fields = ["ordinal", "title", "source", "quote", "status", "record_status"]
    # The quote is the primary rendering's: it changes on the point's own page, through its renderings.
    readonly_fields = ["source", "quote", "status", "record_status"]
    extra = 0
    show_change_link = True
    verbose_name = "numbered point"
    verbose_name_plural = "numbered points (add one from the commitments list: a point starts with its primary rendering)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(parent__isnull=True).select_related("source")

    @admin.display(description="")
    def record_status(self, obj: Commitment) -> str:
        return record_status_link(obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        may_record = request.user.has_perm(f"{StatusUpdate._meta.app_label}.add_{StatusUpdate._meta.model_name}")
        return fields if may_record else [name for name in fields if name != "record_status"]


class DeliverableInline(admin.TabularInline):
    model = Commitment
    fk_name = "parent"
    fields = ["ordinal", "title", "source", "quote", "statement", "status"]
    readonly_fields = ["source", "quote", "status"]
    extra = 0
    show_change_link = True
    verbose_name = "deliverable"
    verbose_name_plural = "deliverables (add one from the commitments list)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Statement)
class StatementAdmin(IntakeAddedAdmin, AuditedAdmin):
    list_display = ["title", "announced_by", "announced_on", "count", "point_count", "numbering"]
    list_filter = ["announcing_party", "parties", "count_kind", "announced_on"]
    search_fields = ["title", "meeting", "announcement"]
    filter_horizontal = ["parties", "sources"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PointInline, StatementLinkInline, IncomingStatementLinkInline]

    def get_queryset(self, request):
        return statements_with_numbering()

    @admin.display(description="count", ordering="announced_count")
    def count(self, obj: Statement) -> str:
        return obj.count_label

    @admin.display(description="points", ordering="point_count")
    def point_count(self, obj: Statement) -> int:
        return obj.point_count

    @admin.display(description="numbering")
    def numbering(self, obj: Statement) -> str:
        problem = numbering_problem(
            count=obj.point_count, low=obj.point_min, high=obj.point_max, announced=obj.announced_count
        )
        return badge(problem, "#dc2626") if problem else badge("1..n complete", "#059669")


class HistoryFormAdmin(AuditedAdmin):
    """A change page that also records a history row (status or verdict) in one form.

    The history is shown below it, read-only, newest first. Recording needs the
    history model's add permission, not the right to edit the object itself.
    """

    change_form_template = "admin/commitments/history_change_form.html"
    record_template = "admin/commitments/record.html"
    history_model: type = None
    record_form_class: type = None
    record_title = ""
    review_kind = ""  # the review queue's name for the history rows (its #proposal-<kind>-<id> anchors)

    def get_urls(self):
        opts = self.model._meta
        record = path(
            "<path:object_id>/record/",
            self.admin_site.admin_view(self.record_view),
            name=f"{opts.app_label}_{opts.model_name}_record",
        )
        return [record, *super().get_urls()]

    def can_record(self, request: HttpRequest) -> bool:
        opts = self.history_model._meta
        return request.user.has_perm(f"{opts.app_label}.add_{opts.model_name}")

    def history(self, obj):
        raise NotImplementedError

    def record_initial(self, obj) -> dict:
        return {}

    def record(self, request: HttpRequest, obj, form):
        """Write the history row through the service and return it."""
        raise NotImplementedError

    def recorded_message(self) -> str:
        if services.review_required():
            return f"{self.record_title} proposed: it is published once a Reviewer approves it (Review queue)."
        return f"{self.record_title} recorded and published."

    def editorial_history(self, obj):
        return {"title": f"{self.record_title} history", "rows": self.history(obj)}

    def render_change_form(self, request, context, *args, **kwargs):
        # The record form's widgets (the evidence autocomplete: jQuery, select2) need their scripts on the page.
        if context.get("record_form") is not None:
            context["media"] = context["media"] + context["record_form"].media
        return super().render_change_form(request, context, *args, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            if self.can_record(request):
                extra_context.setdefault("record_form", self.record_form_class(initial=self.record_initial(obj), admin_site=self.admin_site))
                # Recording a status or verdict is how an editor changes it: the page says so, not "View".
                extra_context.setdefault("title", f"Change {self.opts.verbose_name}")
            extra_context.update(
                record_title=self.record_title,
                record_url=reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_record", args=[obj.pk]),
                history=self.history(obj),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def record_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Its own short page: which statement and point, where it stands, the form (errors beside each field);
        after saving, the same page confirms what was recorded and links to the proposal in the review queue."""
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.can_record(request):
            raise PermissionDenied
        if request.method == "POST":
            form = self.record_form_class(request.POST, admin_site=self.admin_site)
            row = self._record_valid(request, obj, form)
            if row is not None:
                record_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_record", args=[obj.pk])
                return HttpResponseRedirect(f"{record_url}?done={row.pk}")
        else:
            form = self.record_form_class(initial=self.record_initial(obj), admin_site=self.admin_site)
        return TemplateResponse(request, self.record_template, self.record_context(request, obj, form))

    def _record_valid(self, request: HttpRequest, obj, form):
        if not form.is_valid():
            return None
        try:
            return self.record(request, obj, form)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
            return None

    def record_context(self, request: HttpRequest, obj, form) -> dict:
        done = request.GET.get("done", "")
        recorded = self.history(obj).filter(pk=int(done)).first() if done.isdigit() and request.method == "GET" else None
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        return {
            **self.admin_site.each_context(request), "opts": self.opts, "obj": obj, "form": form, "media": form.media,
            "title": f"Record a {self.record_title.lower()}", "record_title": self.record_title, "change_url": change_url,
            "recorded": recorded, "review_required": services.review_required(), "errors": form.errors and request.method == "POST",
            "proposal_url": f"{reverse('review-queue')}?kind={self.review_kind}#proposal-{self.review_kind}-{recorded.pk}" if recorded else "",
            "history_rows": self.history(obj)[:5],
        }


@admin.register(Commitment)
class CommitmentAdmin(IntakeAddedAdmin, QuotedAdminMixin, HistoryFormAdmin):
    history_model = StatusUpdate
    record_form_class = RecordStatusForm
    record_title = "Status change"
    review_kind = "status"

    list_display = ["number_display", "title", "statement", "status_badge", "record_status", "party_list", "target_date", "updated_at"]
    list_display_links = ["number_display", "title"]
    list_filter = ["statement", "status", BoundPartyFilter, ("parties", admin.RelatedFieldListFilter), "themes", HasTargetDateFilter, KindFilter]
    list_select_related = ["statement", "parent"]
    search_fields = ["title", "quote"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["themes", "parties"]
    readonly_fields = ["status", "status_since", "created_at", "updated_at"]
    inlines = [CommitmentRenderingInline, CommitmentNewRenderingInline, DeliverableInline, CommitmentLinkInline, IncomingCommitmentLinkInline]
    list_per_page = 100
    # Counting 10,000 rows twice per page is wasted work: show "Show all" without the total.
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["statement", "parent", "ordinal", "title", "source", "quote"]}),
        ("Scope", {"fields": ["themes", "parties", "target_date"], "description": "Parties: the parties responsible for this point."}),
        ("Current status (from the history below)", {"fields": ["status", "status_since", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("parties")

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if self.can_record(request) else [name for name in shown if name != "record_status"]

    @admin.display(description="#", ordering="ordinal")
    def number_display(self, obj: Commitment) -> str:
        return obj.number

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: Commitment) -> str:
        return badge(obj.get_status_display(), STATUS_COLOURS[obj.status])

    @admin.display(description="")
    def record_status(self, obj: Commitment) -> str:
        return record_status_link(obj)

    @admin.display(description="parties")
    def party_list(self, obj: Commitment) -> str:
        return ", ".join(party.name for party in obj.parties.all())

    def history(self, obj: Commitment):
        # Staff see every row, proposed and rejected ones marked; readers elsewhere see published ones only.
        return obj.status_updates.select_related("author", "reviewer").prefetch_related("evidence").order_by("-recorded_at", "-id")

    def record_initial(self, obj: Commitment) -> dict:
        return {"status": obj.status}  # the form starts from where the commitment stands

    def record(self, request, obj, form) -> StatusUpdate:
        return services.status_update_record(
            commitment=obj, status=form.cleaned_data["status"], effective_on=form.cleaned_data["effective_on"],
            rationale=form.cleaned_data["rationale"], author=request.user,
            evidence=form.cleaned_data["evidence"], new_evidence=form.new_evidence(),
        )


@admin.register(Claim)
class ClaimAdmin(IntakeAddedAdmin, QuotedAdminMixin, HistoryFormAdmin):
    history_model = VerdictUpdate
    record_form_class = RecordVerdictForm
    record_title = "Verdict"
    review_kind = "verdict"

    list_display = ["title", "source", "statement", "verdict_badge", "verdict_at"]
    list_filter = ["verdict", "statement", "source", "parties", "themes"]
    list_select_related = ["source", "statement"]
    search_fields = ["title", "quote"]
    filter_horizontal = ["themes", "parties"]
    readonly_fields = ["verdict", "verdict_rationale", "verdict_at", "created_at", "updated_at"]
    inlines = [ClaimRenderingInline, ClaimNewRenderingInline]

    @admin.display(description="verdict", ordering="verdict")
    def verdict_badge(self, obj: Claim) -> str:
        return badge(obj.get_verdict_display(), VERDICT_COLOURS[obj.verdict])

    def history(self, obj: Claim):
        return obj.verdict_updates.select_related("author", "reviewer").prefetch_related("evidence").order_by("-recorded_at", "-id")

    def record_initial(self, obj: Claim) -> dict:
        return {"verdict": obj.verdict}

    def record(self, request, obj, form) -> VerdictUpdate:
        return services.verdict_update_record(
            claim=obj, verdict=form.cleaned_data["verdict"], rationale=form.cleaned_data["rationale"],
            author=request.user, evidence=form.cleaned_data["evidence"], new_evidence=form.new_evidence(),
        )


@admin.register(Evidence)
class EvidenceAdmin(AuditedAdmin):
    """Adding or editing evidence proposes it: the row and its links change when a Reviewer publishes (review queue)."""

    form = EvidenceForm
    list_display = ["title", "publisher", "published_on", "stance", "link", "created_at", "public"]
    list_filter = ["stance", "publisher", "published_on"]
    search_fields = ["title", "url", "excerpt", "publisher"]
    autocomplete_fields = ["commitments", "claims"]
    readonly_fields = ["created_by", "created_at", "updated_at", "published_at"]

    @admin.display(description="URL")
    def link(self, obj: Evidence) -> str:
        return link_html(obj.url, "open")

    @admin.display(description="public", boolean=True, ordering="published_at")
    def public(self, obj: Evidence) -> bool:
        return obj.published_at is not None

    def editorial_history(self, obj):
        return obj.revisions.select_related("author", "reviewer").order_by("-recorded_at", "-id")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        links = {"commitments": data.get("commitments", []), "claims": data.get("claims", [])}
        if not change:
            services.evidence_propose_new(evidence=obj, author=request.user, reason=data.get("reason", ""), **links)
            return
        current = Evidence.objects.get(pk=obj.pk)
        form.proposal = services.evidence_revise(evidence=current, author=request.user, data=data, reason=data.get("reason", ""), **links)

    def save_related(self, request, form, formsets, change):
        """Links change only through the proposal (save_model): nothing is written here."""

    def log_change(self, request, obj, message):
        return super().log_change(request, obj, "Proposed an edit for review.")

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        if level == messages.SUCCESS and services.review_required():
            message = "Proposed for review: it is public once a Reviewer publishes it (review queue)."
        super().message_user(request, message, level, extra_tags, fail_silently)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdmin):
    """Status updates are recorded from the commitment's page, through the service and its rules."""

    list_display = ["commitment", "status", "effective_on", "author", "recorded_at", "review_state", "evidence_count"]
    ordering = NEWEST_FIRST
    list_filter = ["review_state", "status", "effective_on", "commitment__statement"]
    list_select_related = ["commitment__parent", "author"]
    search_fields = ["commitment__title", "rationale"]
    date_hierarchy = "effective_on"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_evidence=Count("evidence"))

    @admin.display(description="evidence", ordering="n_evidence")
    def evidence_count(self, obj) -> int:
        return obj.n_evidence


@admin.register(PartyAssessment)
class PartyAssessmentAdmin(AppendOnlyAdmin):
    list_display = ["commitment", "party", "score", "assessed_on", "author", "recorded_at", "review_state"]
    ordering = [f"-{field}" for field in ASSESSMENT_ORDER]
    list_filter = ["review_state", "score", "party", "commitment__statement", "assessed_on"]
    list_select_related = ["commitment__parent", "party", "author"]
    search_fields = ["commitment__title", "rationale"]
    autocomplete_fields = ["commitment", "evidence"]
    fields = ["commitment", "party", "score", "assessed_on", "rationale", "evidence"]

    def save_model(self, request, obj, form, change):
        try:
            saved = services.assessment_record(
                commitment=obj.commitment, party=obj.party, score=obj.score, assessed_on=obj.assessed_on,
                rationale=obj.rationale, author=request.user, evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            # The form's clean() runs the same checks, so this means a race: refuse loudly.
            raise PermissionDenied(str(error)) from error
        obj.pk = saved.pk
        if not saved.is_published:
            messages.info(request, "Proposed: the score is published once a Reviewer approves it (Review queue).")

    def save_related(self, request, form, formsets, change):
        """The service attached the evidence already."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class AssessmentForm(form):
            def clean(self):
                cleaned = super().clean()
                commitment, party = cleaned.get("commitment"), cleaned.get("party")
                if commitment and party and not commitment.parties.filter(pk=party.pk).exists():
                    self.add_error("party", f"{party} is not a party responsible for this commitment.")
                return cleaned

        return AssessmentForm


admin.site.site_header = "Commitments Tracker"
admin.site.site_title = "Commitments Tracker"
admin.site.index_title = "Staff workspace"
admin.site.login_form = StaffAwareLoginForm
# The index shows how many proposals wait for review (commitments.review).
admin.site.index_template = "admin/commitments/index.html"
