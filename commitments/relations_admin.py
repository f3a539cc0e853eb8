"""Admin for renderings, links and memberships: inlines that write through the services.

Renderings already recorded are read-only here (remove one and add another to change it);
"make primary" promotes one. New renderings, links and memberships go through
commitments.renderings / commitments.links / commitments.parties, like the API and the intake.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse

from commitments.models import CommitmentLink, Membership, Rendering, StatementLink
from commitments.parties import membership_add
from commitments.proposals import link_propose, rendering_primary_propose, rendering_propose, rendering_remove_propose
from commitments.renderings import rendering_add, rendering_offsets

RENDERING_FIELDS = ["source", "text", "start", "end", "language", "is_translation", "translator", "is_primary"]


class RenderingsFormSet(BaseInlineFormSet):
    """Existing renderings: "make primary" and delete, through the services."""

    def save(self, commit=True):
        # What the admin's change message reads.
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.forms:
            if not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                rendering_remove_propose(rendering=form.instance, author=self.author)
            elif form.cleaned_data.get("make_primary"):
                rendering_primary_propose(rendering=form.instance, author=self.author)
        return []


class ProposingInline(admin.TabularInline):
    """An inline whose saves are proposals: its formset knows who proposes."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a new class per request
        formset.author = request.user
        return formset


class RenderingForm(forms.ModelForm):
    make_primary = forms.BooleanField(required=False, help_text="Make this the primary rendering.")

    class Meta:
        model = Rendering
        fields = ["make_primary"]


class RenderingInline(ProposingInline):
    model = Rendering
    form = RenderingForm
    formset = RenderingsFormSet
    fields = [*RENDERING_FIELDS, "make_primary"]
    readonly_fields = RENDERING_FIELDS
    extra = 0
    verbose_name_plural = "renderings (every wording in every source; exactly one primary)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class NewRenderingForm(forms.ModelForm):
    """A new wording: offsets found in the source's text unless given; language and translation default to the source's."""

    is_translation = forms.NullBooleanField(required=False, help_text="Empty: as the source says.")
    make_primary = forms.BooleanField(required=False)

    class Meta:
        model = Rendering
        fields = ["source", "text", "start", "language", "is_translation", "translator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False

    def clean(self):
        cleaned = super().clean()
        source, text = cleaned.get("source"), cleaned.get("text")
        if source and text:
            try:
                self.instance.start, self.instance.end = rendering_offsets(text=text, source=source, start=cleaned.get("start"))
            except ValidationError as error:
                self.add_error("text", error.message_dict["text"])
            cleaned["start"] = self.instance.start
            self.instance.language = cleaned.get("language") or source.language
        return cleaned


class NewRenderingsFormSet(BaseInlineFormSet):
    def save_new(self, form, commit=True):
        data = form.cleaned_data
        rendering_propose(
            target=self.instance, source=data["source"], text=data["text"], start=form.instance.start, end=form.instance.end,
            language=data.get("language") or None, is_translation=data.get("is_translation"), translator=data.get("translator", ""),
            is_primary=data.get("make_primary", False), author=self.author,
        )
        return form.instance  # unsaved: the rendering is written when a Reviewer publishes the proposal

    def save(self, commit=True):
        super().save(commit)
        self.new_objects = []  # nothing was added yet, only proposed
        return []


class NewRenderingInline(ProposingInline):
    model = Rendering
    form = NewRenderingForm
    formset = NewRenderingsFormSet
    fields = ["source", "text", "start", "language", "is_translation", "translator", "make_primary"]
    extra = 0
    can_delete = False
    verbose_name = "new rendering"
    verbose_name_plural = "add a rendering (the same point worded in another source, or elsewhere in one)"

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class CommitmentRenderingInline(RenderingInline):
    fk_name = "commitment"


class CommitmentNewRenderingInline(NewRenderingInline):
    fk_name = "commitment"


class ClaimRenderingInline(RenderingInline):
    fk_name = "claim"


class ClaimNewRenderingInline(NewRenderingInline):
    fk_name = "claim"


class QuotedAdminMixin:
    """Commitments and claims: `source` and `quote` are the primary rendering's, set once when adding.

    Afterwards they change only by adding or promoting a rendering.
    """

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "source", "quote"] if obj is not None else fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not obj.renderings.exists():
            rendering_add(target=obj, source=obj.source, text=obj.quote, is_primary=True)


class LinkFormSet(BaseInlineFormSet):
    """New links go through the service (it marks both ends changed)."""

    ends = ("", "")

    def save_new(self, form, commit=True):
        data = form.cleaned_data
        link_propose(origin=self.instance, to=data[self.ends[1]], kind=data["kind"], rationale=data["rationale"],
                     source=data.get("source"), author=self.author)
        return form.instance  # unsaved: the link is made when a Reviewer publishes the proposal

    def save(self, commit=True):
        super().save(commit)
        self.new_objects = []
        return []


class CommitmentLinkFormSet(LinkFormSet):
    ends = ("from_commitment", "to_commitment")


class StatementLinkFormSet(LinkFormSet):
    ends = ("from_statement", "to_statement")


class CommitmentLinkInline(ProposingInline):
    model = CommitmentLink
    fk_name = "from_commitment"
    formset = CommitmentLinkFormSet
    fields = ["kind", "to_commitment", "rationale", "source"]
    autocomplete_fields = ["to_commitment"]
    extra = 0
    verbose_name = "link to an earlier point"
    verbose_name_plural = "links from this point (this point reaffirms / supersedes / implements / reports progress on / contradicts ...)"

    def has_change_permission(self, request, obj=None):
        return False  # delete and add again: a link is one fact


class IncomingCommitmentLinkInline(admin.TabularInline):
    model = CommitmentLink
    fk_name = "to_commitment"
    fields = ["from_commitment", "read_as", "rationale", "source"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "links to this point (reaffirmed by / superseded by / ...)"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="this point is")
    def read_as(self, link: CommitmentLink) -> str:
        return link.inverse_label


class StatementLinkInline(CommitmentLinkInline):
    model = StatementLink
    fk_name = "from_statement"
    formset = StatementLinkFormSet
    fields = ["kind", "to_statement", "rationale", "source"]
    autocomplete_fields = []
    verbose_name = "link to an earlier statement"
    verbose_name_plural = "links from this statement"


class IncomingStatementLinkInline(IncomingCommitmentLinkInline):
    model = StatementLink
    fk_name = "to_statement"
    fields = ["from_statement", "read_as", "rationale", "source"]
    readonly_fields = fields
    verbose_name_plural = "links to this statement (reaffirmed by / superseded by / ...)"


class MembershipFormSet(BaseInlineFormSet):
    def save_new(self, form, commit=True):
        data = form.cleaned_data
        return membership_add(
            organisation=self.instance, member=data["member"], since=data.get("since"), until=data.get("until"), basis=data.get("basis", "")
        )


class MembershipInline(admin.TabularInline):
    """An organisation's members with dates: a statement binding it binds its members on the statement's day."""

    model = Membership
    fk_name = "organisation"
    formset = MembershipFormSet
    fields = ["member", "since", "until", "basis"]
    extra = 0
    verbose_name_plural = "members (for organisations)"


class MemberOfInline(admin.TabularInline):
    model = Membership
    fk_name = "member"
    fields = ["organisation", "since", "until", "basis"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "member of"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CommitmentLink)
class CommitmentLinkAdmin(admin.ModelAdmin):
    list_display = ["from_commitment", "kind", "to_commitment", "source", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["from_commitment__parent", "to_commitment__parent", "source"]
    search_fields = ["rationale", "from_commitment__title", "to_commitment__title"]
    autocomplete_fields = ["from_commitment", "to_commitment"]

    def has_change_permission(self, request, obj=None):
        return False  # delete and add again: a link is one fact

    def save_model(self, request, obj, form, change):
        link_propose(origin=obj.from_commitment, to=obj.to_commitment, kind=obj.kind, rationale=obj.rationale, source=obj.source,
                     author=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, "Proposed: the link is public once a Reviewer publishes it (review queue).")
        return HttpResponseRedirect(reverse("review-queue"))


@admin.register(StatementLink)
class StatementLinkAdmin(admin.ModelAdmin):
    list_display = ["from_statement", "kind", "to_statement", "source", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["from_statement", "to_statement", "source"]
    search_fields = ["rationale", "from_statement__title", "to_statement__title"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        link_propose(origin=obj.from_statement, to=obj.to_statement, kind=obj.kind, rationale=obj.rationale, source=obj.source,
                     author=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, "Proposed: the link is public once a Reviewer publishes it (review queue).")
        return HttpResponseRedirect(reverse("review-queue"))
