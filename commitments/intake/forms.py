"""The admin's intake forms: start (a text or a URL and what the source is), then review each set."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget

from commitments.models import Party, Statement, Theme
from commitments.models.fields import HttpUrlFormField

from .drafts import Draft, DraftQuote, DraftSet, DraftSource


def newlines(value: str) -> str:
    """Browsers submit textareas with CRLF line ends; the text and its quotes are kept with LF, as pasted."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


class NewlineCharField(forms.CharField):
    def to_python(self, value):
        return newlines(super().to_python(value))


LANGUAGES = [("en", "English"), ("zh", "Chinese"), ("ru", "Russian"), ("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")]


class StartForm(forms.Form):
    """The first step: a pasted text, or the address of a page to read (off the request, by a worker)."""

    text = NewlineCharField(label="Text", required=False, widget=forms.Textarea(attrs={"rows": 14, "cols": 100}), strip=False,
                           help_text="Paste the statement as published, or leave this empty and give its address below.")
    url = HttpUrlFormField(label="Or its address (URL)", required=False, max_length=2000,
                         help_text="The page is read for you, with its title, publisher and date; public addresses only.")

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("url") and not self.has_error("url"):
            self.add_error("text", "Paste the text here, or give the page's address under URL.")
        return data


class SourceForm(forms.Form):
    """What the source is: filled in from the page's metadata (or the text's first line) where found, editable."""

    url = HttpUrlFormField(label="URL", required=False, max_length=2000)
    title = forms.CharField(max_length=500, error_messages={"required": "Give the source's title (its headline)."})
    publisher = forms.CharField(max_length=200, error_messages={"required": "Name who published it (the ministry, the agency)."})
    published_on = forms.DateField(required=False, widget=AdminDateWidget, label="Published on")
    language = forms.ChoiceField(choices=[("", "Detect from the text"), *LANGUAGES], initial="", required=False)
    is_translation = forms.BooleanField(required=False, label="This text is a translation")
    original_language = forms.ChoiceField(choices=[("", "—"), *LANGUAGES], required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("is_translation") and not data.get("original_language"):
            self.add_error("original_language", "A translation needs its original language.")
        return data

    def draft_source(self, full_text: str) -> DraftSource:
        data = self.cleaned_data
        return DraftSource(title=data["title"], publisher=data["publisher"], full_text=full_text, url=data.get("url") or "",
                           published_on=data.get("published_on"), language=data["language"],
                           is_translation=data["is_translation"], original_language=data.get("original_language") or "")


class SetForm(forms.Form):
    include = forms.BooleanField(required=False, initial=True, label="Save this set")
    attach_to = forms.ModelChoiceField(Statement.objects.none(), required=False, label="Or attach to the recorded statement",
                                       help_text="This text is another rendering of that set: its source is added to it.")
    title = forms.CharField(max_length=300, required=False)
    announced_by = forms.CharField(max_length=200, required=False, help_text="Who announced it, e.g. “Wang Yi, Foreign Minister of China”.")
    announcing_party = forms.ModelChoiceField(Party.objects.all(), required=False, label="Announcing party",
                                              help_text="The country or organisation that announced it.")
    announced_on = forms.DateField(required=False, widget=AdminDateWidget, label="Announced on")
    parties = forms.ModelMultipleChoiceField(Party.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
                                             label="Parties bound", help_text="Who the set commits. Empty: the announcing party.")
    themes = forms.ModelMultipleChoiceField(Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
                                            help_text="Given to each of its points.")
    meeting = forms.CharField(max_length=300, required=False)
    announcement = NewlineCharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 90}))
    announced_count = forms.IntegerField(required=False, min_value=1, help_text="Empty when the text states no number (counted, shown as inferred).")

    def __init__(self, *args, candidates=(), parties: list | None = None, themes: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attach_to"].queryset = Statement.objects.filter(pk__in=[c.pk for c in candidates])
        self.fields["attach_to"].choices = [("", "---------"), *((c.pk, str(c)) for c in candidates)]
        # The review page shows many sets: their choices come from lists read once, not a query per set and field.
        if parties is not None:
            self.fields["announcing_party"].choices = [("", "---------"), *((p.pk, str(p)) for p in parties)]
            self.fields["parties"].choices = [(p.pk, str(p)) for p in parties]
        if themes is not None:
            self.fields["themes"].choices = [(t.pk, str(t)) for t in themes]


class QuoteForm(forms.Form):
    quote = NewlineCharField(strip=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 90}))
    start = forms.IntegerField(required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(max_length=300, required=False)


class PointForm(QuoteForm):
    deliverables = NewlineCharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 90}),
                                   help_text="One deliverable a line, each verbatim from the text.")

    def draft_quote(self) -> DraftQuote:
        data = self.cleaned_data
        lines = [line.strip() for line in data.get("deliverables", "").splitlines() if line.strip()]
        return DraftQuote(data["quote"], data.get("start"), data.get("end"), data.get("title", ""), [DraftQuote(x) for x in lines])


PointFormSet = forms.formset_factory(PointForm, extra=1, can_delete=True)
ClaimFormSet = forms.formset_factory(QuoteForm, extra=1, can_delete=True)


def kept(formset) -> list[forms.Form]:
    """The formset's forms the analyst kept (not deleted, not an untouched empty extra)."""
    return [f for f in formset.forms if f.cleaned_data.get("quote") and not f.cleaned_data.get("DELETE")]


def draft_set(form: SetForm, points: list[PointForm]) -> DraftSet:
    data = form.cleaned_data
    return DraftSet(
        title=data.get("title", ""), announced_by=data.get("announced_by", ""), announcing_party=data.get("announcing_party"),
        announced_on=data.get("announced_on"), announcement=data.get("announcement", ""), announced_count=data.get("announced_count"),
        points=[p.draft_quote() for p in points], meeting=data.get("meeting", ""), attach_to=data.get("attach_to"),
        parties=list(data.get("parties") or []), themes=list(data.get("themes") or []),
    )


def claim_quote(form: QuoteForm) -> DraftQuote:
    data = form.cleaned_data
    return DraftQuote(data["quote"], data.get("start"), data.get("end"), data.get("title", ""))


def draft_build(source: DraftSource, sets: list[DraftSet], claims: list[DraftQuote]) -> Draft:
    return Draft(source=source, sets=sets, claims=claims)
