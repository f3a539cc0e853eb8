"""What ties the domain together: renderings of a point in several sources, typed links
between points and between statements, and organisations' members over time.

Write these through the services (`commitments.renderings`, `commitments.links`,
`commitments.parties`), which validate and keep the derived columns right.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from commitments.text import is_verbatim_at

from .domain import Claim, Commitment, Party, Source, Statement, TimestampedModel


def rendering_verbatim_problem(*, text: str, source_text: str, start: int | None, end: int | None) -> str:
    """The rule for a rendering's offsets ('' when it holds): with the source's text held, `text`
    is what stands at [start:end] (only whitespace may differ); without it, there are no offsets."""
    if not source_text:
        return "" if start is None and end is None else "offsets given but we hold no text for this source"
    if start is None or end is None:
        return "no offsets: give where the quote starts and ends in the source's text"
    if not is_verbatim_at(text, source_text, start=start, end=end):
        return f"the text is not verbatim at [{start}:{end}] of the source"
    return ""


class Rendering(TimestampedModel):
    """One verbatim wording of a commitment or a claim in one source, at known character offsets.

    Exactly one rendering of each commitment (or claim) is primary; its source and text are
    copied onto the commitment's `source` and `quote` columns.
    """

    VERBATIM_FIELDS = ("text", "search_terms")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="renderings")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="renderings")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="renderings")
    text = models.TextField(help_text="Verbatim from the source's text (only whitespace may differ).")
    start = models.PositiveIntegerField(
        null=True, blank=True, help_text="Offset of the first character in the source's full text; empty only when we hold no text."
    )
    end = models.PositiveIntegerField(null=True, blank=True, help_text="Offset just past the last character.")
    language = models.CharField(max_length=10, help_text="BCP 47 tag of this wording.")
    is_translation = models.BooleanField(default=False, help_text="This wording is a translation of the original.")
    translator = models.CharField(max_length=200, blank=True, help_text="Who translated it, where known.")
    is_primary = models.BooleanField(default=False, help_text="The wording shown first and copied onto the point.")
    search_terms = models.TextField(
        blank=True, editable=False, help_text="Its Chinese as character pairs, for full-text search (commitments.text_search).",
    )

    class Meta:
        ordering = ["-is_primary", "source__published_on", "source_id", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commitment__isnull=False, claim__isnull=True) | Q(commitment__isnull=True, claim__isnull=False),
                name="rendering_of_one_thing",
                violation_error_message="A rendering belongs to one commitment or one claim.",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True) | Q(start__isnull=False, end__gt=F("start")),
                name="rendering_offsets_ordered",
                violation_error_message="The end offset must come after the start offset.",
            ),
            models.UniqueConstraint(
                fields=["commitment"], condition=Q(is_primary=True), name="rendering_one_primary_per_commitment",
                violation_error_message="This commitment already has a primary rendering.",
            ),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(is_primary=True), name="rendering_one_primary_per_claim",
                violation_error_message="This claim already has a primary rendering.",
            ),
        ]
        indexes = [models.Index(fields=["source", "start"], name="rendering_source_start")]

    def __str__(self) -> str:
        return f"{self.source.title} [{self.start}:{self.end}]" if self.start is not None else self.source.title

    @property
    def target(self) -> Commitment | Claim:
        return self.commitment if self.commitment_id else self.claim

    def clean(self) -> None:
        super().clean()
        if not self.source_id:
            return
        problem = rendering_verbatim_problem(text=self.text, source_text=self.source.full_text, start=self.start, end=self.end)
        if problem:
            raise ValidationError({"text": f"Not verbatim from “{self.source.title}”: {problem}."})


class LinkKind(models.TextChoices):
    """How a later point (or statement) relates to an earlier one, read from the later one."""

    REAFFIRMS = "reaffirms", "reaffirms"
    SUPERSEDES = "supersedes", "supersedes"
    IMPLEMENTS = "implements", "implements"
    REPORTS_PROGRESS_ON = "reports_progress_on", "reports progress on"
    CONTRADICTS = "contradicts", "contradicts"


# The same link read from its other end.
LINK_INVERSE_LABELS = {
    LinkKind.REAFFIRMS: "reaffirmed by",
    LinkKind.SUPERSEDES: "superseded by",
    LinkKind.IMPLEMENTS: "implemented by",
    LinkKind.REPORTS_PROGRESS_ON: "progress reported by",
    LinkKind.CONTRADICTS: "contradicted by",
}


class LinkBase(TimestampedModel):
    kind = models.CharField(max_length=30, choices=LinkKind.choices)
    rationale = models.TextField(help_text="Why the link holds, in a sentence.")
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="The source that supports the link."
    )

    class Meta:
        abstract = True

    @property
    def inverse_label(self) -> str:
        return LINK_INVERSE_LABELS[LinkKind(self.kind)]


class CommitmentLink(LinkBase):
    """`from_commitment` <kind> `to_commitment`: "point 2 of 2021 reaffirms point 1 of 2020"."""

    from_commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="links_out")
    to_commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="links_in")

    class Meta:
        ordering = ["from_commitment_id", "kind", "to_commitment_id"]
        constraints = [
            models.UniqueConstraint(fields=["from_commitment", "to_commitment", "kind"], name="commitment_link_unique",
                                    violation_error_message="This link exists already."),
            models.CheckConstraint(condition=~Q(from_commitment=F("to_commitment")), name="commitment_link_not_self",
                                   violation_error_message="A commitment cannot be linked to itself."),
        ]

    def __str__(self) -> str:
        return f"{self.from_commitment} {self.get_kind_display()} {self.to_commitment}"


class StatementLink(LinkBase):
    """`from_statement` <kind> `to_statement`: "the 2021 proposal reaffirms the 2020 consensus"."""

    from_statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="links_out")
    to_statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="links_in")

    class Meta:
        ordering = ["from_statement_id", "kind", "to_statement_id"]
        constraints = [
            models.UniqueConstraint(fields=["from_statement", "to_statement", "kind"], name="statement_link_unique",
                                    violation_error_message="This link exists already."),
            models.CheckConstraint(condition=~Q(from_statement=F("to_statement")), name="statement_link_not_self",
                                   violation_error_message="A statement cannot be linked to itself."),
        ]

    def __str__(self) -> str:
        return f"{self.from_statement} {self.get_kind_display()} {self.to_statement}"


class Membership(models.Model):
    """`member` belonged to `organisation` from `since` to `until` (inclusive; empty = open)."""

    organisation = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="memberships",
                                     limit_choices_to={"kind": Party.Kind.ORGANISATION})
    member = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="member_of")
    since = models.DateField(null=True, blank=True, help_text="Empty: a member from the start.")
    until = models.DateField(null=True, blank=True, help_text="Last day of membership; empty: still a member.")
    basis = models.CharField(max_length=300, blank=True, help_text="Where the dates come from.")

    class Meta:
        ordering = ["organisation_id", "since", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "member", "since"], name="membership_unique",
                                    violation_error_message="This membership exists already."),
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
                                   name="membership_dates_ordered", violation_error_message="A membership ends after it begins."),
            models.CheckConstraint(condition=~Q(organisation=F("member")), name="membership_not_self",
                                   violation_error_message="An organisation is not its own member."),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.organisation} ({self.since or '…'} – {self.until or 'now'})"

    def clean(self) -> None:
        if self.organisation_id and self.organisation.kind != Party.Kind.ORGANISATION:
            raise ValidationError({"organisation": "Only an organisation has members."})
