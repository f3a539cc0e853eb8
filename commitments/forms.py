"""Staff forms: record a status, a verdict or a score, with existing or new evidence."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelectMultiple
from django.utils import timezone

from commitments.models import Evidence, Stance, Status, StatusUpdate, Verdict, VerdictUpdate
from commitments.models.fields import HttpUrlFormField
from commitments.services import NewEvidence, status_update_errors, verdict_update_errors

NEW_EVIDENCE_FIELDS = ("url", "title", "publisher", "published_on", "excerpt", "stance")


class EvidenceFormMixin(forms.Form):
    """Pick existing evidence and/or describe one new piece, in the same form."""

    new_evidence_url = HttpUrlFormField(label="New evidence: URL", required=False)  # the one URL rule, normalised
    new_evidence_title = forms.CharField(label="New evidence: title", required=False, max_length=500)
    new_evidence_publisher = forms.CharField(label="New evidence: publisher", required=False, max_length=200)
    new_evidence_published_on = forms.DateField(
        label="New evidence: published on", required=False, widget=AdminDateWidget
    )
    new_evidence_excerpt = forms.CharField(label="New evidence: excerpt", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    new_evidence_stance = forms.ChoiceField(label="New evidence: stance", choices=Stance.choices, initial=Stance.SUPPORTS)

    def new_evidence(self) -> list[NewEvidence]:
        data = {name: self.cleaned_data.get(f"new_evidence_{name}") for name in NEW_EVIDENCE_FIELDS}
        if not (data["url"] or data["title"]):
            return []
        return [NewEvidence(**{k: (v or "") if k != "published_on" else v for k, v in data.items()})]

    def clean_new_evidence(self) -> int:
        """Validate the new evidence like the model would; return how many pieces it adds."""
        url, title = self.cleaned_data.get("new_evidence_url"), self.cleaned_data.get("new_evidence_title")
        if not (url or title):
            return 0
        if not url:
            self.add_error("new_evidence_url", "New evidence needs a URL.")
        if not title:
            self.add_error("new_evidence_title", "New evidence needs a title.")
        return 1

    def evidence_count(self) -> int:
        return len(self.cleaned_data.get("evidence") or []) + self.clean_new_evidence()


def use_autocomplete(field: forms.ModelMultipleChoiceField, admin_site, history_model) -> None:
    """Search evidence as you type instead of rendering every row as an option."""
    field.widget = AutocompleteSelectMultiple(history_model._meta.get_field("evidence"), admin_site)
    field.widget.choices = field.choices


class RecordStatusForm(EvidenceFormMixin):
    status = forms.ChoiceField(choices=Status.choices)
    effective_on = forms.DateField(initial=timezone.localdate, widget=AdminDateWidget)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    evidence = forms.ModelMultipleChoiceField(queryset=Evidence.objects.all(), required=False, label="Existing evidence")

    field_order = ["status", "effective_on", "rationale", "evidence"]

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if admin_site is not None:
            use_autocomplete(self.fields["evidence"], admin_site, StatusUpdate)

    def clean(self):
        cleaned = super().clean()
        errors = status_update_errors(
            status=cleaned.get("status", ""), rationale=cleaned.get("rationale", ""),
            evidence_count=self.evidence_count(),
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned


class RecordVerdictForm(EvidenceFormMixin):
    verdict = forms.ChoiceField(choices=Verdict.choices)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    evidence = forms.ModelMultipleChoiceField(queryset=Evidence.objects.all(), required=False, label="Existing evidence")

    field_order = ["verdict", "rationale", "evidence"]

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if admin_site is not None:
            use_autocomplete(self.fields["evidence"], admin_site, VerdictUpdate)

    def clean(self):
        cleaned = super().clean()
        self.clean_new_evidence()
        errors = verdict_update_errors(verdict=cleaned.get("verdict", ""), rationale=cleaned.get("rationale", ""))
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned


class EvidenceForm(forms.ModelForm):
    """The admin's evidence form: what it proposes, and why (the reason shows in the corrections log once published)."""

    reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why you add or change it. Nothing here is public until a Reviewer publishes it.",
    )

    class Meta:
        model = Evidence
        fields = ["url", "title", "publisher", "published_on", "excerpt", "stance", "commitments", "claims"]
