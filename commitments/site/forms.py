"""The GET filters of /changes/ and /search/: plain query parameters, so a filtered view is a shareable address."""

from django import forms
from django.http import QueryDict

from commitments.digests.periods import Period, period_parse
from commitments.models import Status

from .search import SearchFilters
from .selectors import ChangeFilters

WEEK_HELP = "The ISO week it was published in, such as 2026-W46: the week the weekly digest counts it in."


class ChangesForm(forms.Form):
    week = forms.CharField(required=False, max_length=10, help_text=WEEK_HELP)
    statement = forms.SlugField(required=False)
    party = forms.SlugField(required=False)
    theme = forms.SlugField(required=False)
    status = forms.MultipleChoiceField(required=False, choices=Status.choices)

    def clean_week(self) -> Period | None:
        value = self.cleaned_data["week"].strip()
        if not value:
            return None
        try:
            return period_parse(value)
        except ValueError as invalid:
            raise forms.ValidationError(str(invalid)) from invalid

    def filters(self) -> ChangeFilters:
        """The valid filters; an invalid one is left out (the form shows its error)."""
        self.is_valid()
        data = self.cleaned_data
        return ChangeFilters(
            week=data.get("week"), statement=data.get("statement", ""), party=data.get("party", ""),
            theme=data.get("theme", ""), statuses=tuple(data.get("status") or ()),
        )


class CorrectionsForm(forms.Form):
    """The corrections log's date filter: published on or after `since`, on or before `until` (UTC dates)."""

    since = forms.DateField(required=False, label="Published from", help_text="YYYY-MM-DD", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="to", help_text="YYYY-MM-DD, included", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "The end comes before the start.")
        return data

    def window(self) -> tuple:
        """(since, until), leaving out what is invalid (the form shows its error)."""
        self.is_valid()
        return self.cleaned_data.get("since"), self.cleaned_data.get("until") if "until" not in self.errors else None


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Status.choices])
    party = forms.SlugField(required=False)
    theme = forms.SlugField(required=False)
    statement = forms.SlugField(required=False)

    def query(self) -> tuple[str, SearchFilters]:
        self.is_valid()
        data = self.cleaned_data
        return data.get("q", ""), SearchFilters(
            status=data.get("status", ""), party=data.get("party", ""), theme=data.get("theme", ""), statement=data.get("statement", ""),
        )


def page_number(query: QueryDict) -> int:
    try:
        return max(1, min(int(query.get("page", "1")), 10_000))
    except ValueError:
        return 1


def with_page(query: QueryDict, page: int) -> str:
    changed = query.copy()
    changed["page"] = str(page)
    return changed.urlencode()


def feed_query(query: QueryDict) -> str:
    changed = query.copy()
    changed.pop("page", None)
    return changed.urlencode()
