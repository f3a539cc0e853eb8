"""Admin for watches and the inbox: register a listing, see which ones fail, and decide on each new document.

An inbox item's page shows what the document is (title, date, language, watch), the sets the
extractor found (with the count check), the tracked points it seems to concern (score and passage),
and the decisions in a click or two: take a set to the intake page, propose a status update or
attach the document as evidence to a matched point (both through the review flow), or dismiss it.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from commitments.admin_base import badge
from commitments.http_urls import link_html
from commitments.models import Claim, Commitment, Stance, Status
from commitments.models.watch import DocumentState, InboxItem, InboxMailOptIn, InboxState, Watch, WatchedDocument

from . import services
from .listings import pattern_error


class WatchForm(forms.ModelForm):
    class Meta:
        model = Watch
        fields = ["name", "url", "kind", "link_pattern", "interval_minutes", "active"]

    def clean_link_pattern(self) -> str:
        pattern = self.cleaned_data["link_pattern"]
        if pattern and pattern_error(pattern):
            raise ValidationError(f"The link pattern is {pattern_error(pattern)}.")
        return pattern


class FailingFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [("failing", "Failing"), ("ok", "Answering")]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(failures__gte=settings.TRACKER_WATCH_FAILING_AFTER)
        if self.value() == "ok":
            return queryset.filter(failures__lt=settings.TRACKER_WATCH_FAILING_AFTER)
        return queryset


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    form = WatchForm
    list_display = ["name", "kind", "listing", "interval_minutes", "active", "health", "last_ok_at", "documents", "dead_links"]
    list_filter = [FailingFilter, "kind", "active"]
    search_fields = ["name", "url"]
    readonly_fields = ["last_polled_at", "last_ok_at", "failures", "last_error", "next_poll_at", "created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_documents=Count("documents"), n_dead=Count("documents", filter=Q(documents__state=DocumentState.DEAD)),
        )

    @admin.display(description="listing")
    def listing(self, obj: Watch) -> str:
        return link_html(obj.url)

    @admin.display(description="health")
    def health(self, obj: Watch) -> str:
        if services.watch_is_failing(obj):
            return badge(f"failing ({obj.failures} in a row)", "#dc2626")
        return badge("never polled", "#6b7280") if obj.last_polled_at is None else badge("ok", "#059669")

    @admin.display(description="documents", ordering="n_documents")
    def documents(self, obj: Watch) -> int:
        return obj.n_documents

    @admin.display(description="dead links", ordering="n_dead")
    def dead_links(self, obj: Watch) -> int:
        return obj.n_dead

    def save_model(self, request, obj: Watch, form, change):
        if not change:
            obj.created_by = request.user
            obj.next_poll_at = obj.next_poll_at or timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(WatchedDocument)
class WatchedDocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "state", "watch", "language", "published_on", "http_status", "error"]
    list_filter = ["state", "language", "watch"]
    search_fields = ["url", "title", "final_url"]
    list_select_related = ["watch"]
    exclude = ["text", "claim"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DismissForm(forms.Form):
    reason = forms.CharField(max_length=500, help_text="Unrelated, duplicate, no new fact, ...")


class ProposeForm(forms.Form):
    ACTIONS = [("status", "Propose a status update with this document as evidence"), ("evidence", "Attach as evidence only")]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect, initial="status")
    commitment = forms.ModelChoiceField(queryset=Commitment.objects.none(), empty_label=None)
    status = forms.ChoiceField(choices=Status.choices, required=False)
    stance = forms.ChoiceField(choices=Stance.choices, initial=Stance.SUPPORTS)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    passage = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, item: InboxItem, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [m["commitment"] for m in item.matches if "commitment" in m]
        self.fields["commitment"].queryset = Commitment.objects.filter(id__in=ids).select_related("statement", "parent")
        if ids:
            self.fields["commitment"].initial = ids[0]
            self.fields["passage"].initial = item.matches[0]["passage"]


class LinkForm(forms.Form):
    from_commitment = forms.ModelChoiceField(queryset=Commitment.objects.none(), label="Point of the statement taken in", empty_label=None)
    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in services.INBOX_LINK_KINDS])
    to_commitment = forms.ModelChoiceField(queryset=Commitment.objects.none(), label="Tracked point", empty_label=None)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, item: InboxItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_commitment"].queryset = services.inbox_taken_points(item)
        ids = [m["commitment"] for m in item.matches if "commitment" in m]
        self.fields["to_commitment"].queryset = Commitment.objects.filter(id__in=ids).select_related("statement", "parent")


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    list_display = ["document_title", "state", "language", "watch", "published_on", "sets_found", "best_match", "created_at"]
    list_filter = ["state", "document__language", "document__watch"]
    search_fields = ["document__title", "document__url"]
    list_select_related = ["document__watch"]
    change_form_template = "admin/watch/inbox_item.html"
    change_list_template = "admin/watch/change_list_mail.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="document", ordering="document__title")
    def document_title(self, obj: InboxItem) -> str:
        return str(obj.document)

    @admin.display(description="language")
    def language(self, obj: InboxItem) -> str:
        return obj.document.language

    @admin.display(description="watch")
    def watch(self, obj: InboxItem) -> str:
        return obj.document.watch.name

    @admin.display(description="date")
    def published_on(self, obj: InboxItem):
        return obj.document.published_on

    @admin.display(description="sets")
    def sets_found(self, obj: InboxItem) -> int:
        return len(obj.sets)

    @admin.display(description="best match")
    def best_match(self, obj: InboxItem) -> str:
        return f"{obj.matches[0]['score']:.2f}" if obj.matches else "—"

    def get_urls(self):
        return [
            path("<int:pk>/decide/", self.admin_site.admin_view(self.decide), name="commitments_inboxitem_decide"),
            path("mail/", self.admin_site.admin_view(self.mail_toggle), name="commitments_inboxitem_mail"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        opted_in = InboxMailOptIn.objects.filter(user=request.user).exists()
        return super().changelist_view(request, {**(extra_context or {}), "inbox_mail_on": opted_in})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = get_object_or_404(InboxItem.objects.select_related("document__watch"), pk=object_id)
        if not self.has_view_permission(request, item):
            raise PermissionDenied
        return self._page(request, item)

    def _page(self, request: HttpRequest, item: InboxItem, *, dismiss=None, propose=None, link=None, status=200) -> HttpResponse:
        points = {c.id: c for c in Commitment.objects.filter(id__in=[m["commitment"] for m in item.matches if "commitment" in m])
                  .select_related("statement", "parent")}
        claims = {c.id: c for c in Claim.objects.filter(id__in=[m["claim"] for m in item.matches if "claim" in m]).select_related("statement")}
        matches = [{**m, "target": points.get(m["commitment"]) if "commitment" in m else None,
                    "claim_target": claims.get(m.get("claim"))} for m in item.matches]
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": f"Inbox: {item.document}", "item": item,
            "document": item.document, "matches": matches,
            "dismiss_form": dismiss or DismissForm(), "propose_form": propose or ProposeForm(item=item),
            "link_form": link or LinkForm(item=item),
            "may_decide": self.has_change_permission(request, item) and item.state == InboxState.NEW,
            "intake_url": reverse("admin:commitments_statement_intake"), "original": item, "has_view_permission": True,
        }
        return TemplateResponse(request, self.change_form_template, context, status=status)

    def decide(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(InboxItem.objects.select_related("document__watch"), pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, item):
            raise PermissionDenied
        if item.state != InboxState.NEW:
            messages.warning(request, f"This item was already decided: {item.decision}")
            return HttpResponseRedirect(reverse("admin:commitments_inboxitem_change", args=[item.id]))
        if "dismiss" in request.POST:
            return self._dismiss(request, item)
        if "link" in request.POST:
            return self._link(request, item)
        return self._propose(request, item)

    def _dismiss(self, request: HttpRequest, item: InboxItem) -> HttpResponse:
        form = DismissForm(request.POST)
        if not form.is_valid():
            return self._page(request, item, dismiss=form, status=400)
        services.inbox_dismiss(item=item, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "Dismissed.")
        return HttpResponseRedirect(reverse("admin:commitments_inboxitem_changelist"))

    def _propose(self, request: HttpRequest, item: InboxItem) -> HttpResponse:
        form = ProposeForm(request.POST, item=item)
        if not form.is_valid():
            return self._page(request, item, propose=form, status=400)
        data = form.cleaned_data
        try:
            if data["action"] == "evidence":
                evidence = services.inbox_attach_evidence(item=item, commitment=data["commitment"], stance=data["stance"], user=request.user,
                                                          passage=data["passage"])
                messages.success(request, f"Attached as evidence #{evidence.id} to {data['commitment']}.")
            else:
                update = services.inbox_propose_status(
                    item=item, commitment=data["commitment"], status=data["status"], rationale=data["rationale"], stance=data["stance"],
                    user=request.user, passage=data["passage"],
                )
                messages.success(request, f"Status update #{update.id} proposed for {data['commitment']}: a Reviewer publishes it.")
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._page(request, item, propose=form, status=400)
        return HttpResponseRedirect(reverse("admin:commitments_inboxitem_change", args=[item.id]))

    def _link(self, request: HttpRequest, item: InboxItem) -> HttpResponse:
        form = LinkForm(request.POST, item=item)
        if not form.is_valid():
            return self._page(request, item, link=form, status=400)
        try:
            proposal = services.inbox_link(item=item, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._page(request, item, link=form, status=400)
        messages.success(request, f"Proposed: {proposal.subject}. It is public once a Reviewer publishes it (review queue).")
        return HttpResponseRedirect(reverse("admin:commitments_inboxitem_change", args=[item.id]))

    def mail_toggle(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            raise PermissionDenied
        enabled = services.inbox_mail_toggle(user=request.user)
        messages.success(request, "You will get a daily e-mail of new inbox items." if enabled else "Daily inbox e-mail switched off.")
        return HttpResponseRedirect(reverse("admin:commitments_inboxitem_changelist"))
