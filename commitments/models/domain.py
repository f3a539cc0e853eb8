"""Commitments, claims, their sources and their append-only histories.

Models hold fields, constraints and small properties. Writes that touch more than
one row (recording a status, attaching evidence) live in `commitments.services`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from commitments import permalinks
from commitments.http_urls import validate_http_url  # noqa: F401 - named by migration 0001
from commitments.text import is_verbatim, text_clean, text_refusal

from .fields import HttpUrlField


class Status(models.TextChoices):
    """Where a commitment stands.

    The vocabulary follows the established promise trackers (PolitiFact's Obameter
    and Trump-O-Meter, Polimeter, Holder de ord) so that readers already know it.
    """

    # Nobody has assessed it yet: the starting point of every commitment.
    NOT_YET_RATED = "not_yet_rated", "Not yet rated"
    # Assessed, and no action towards it is visible yet.
    NOT_STARTED = "not_started", "Not started"
    # Concrete steps are under way (PolitiFact's "In the works").
    IN_PROGRESS = "in_progress", "In progress"
    # Part of it was delivered, or a reduced version (PolitiFact's "Compromise").
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
    # Delivered as announced (PolitiFact's "Promise kept").
    FULFILLED = "fulfilled", "Fulfilled"
    # Work began and then stopped, or is blocked (PolitiFact's "Stalled").
    STALLED = "stalled", "Stalled"
    # Abandoned, contradicted by action, or its deadline passed unmet ("Promise broken").
    BROKEN = "broken", "Broken"
    # Too vague or too opaque to ever check (Holder de ord's "uncheckable").
    NOT_ASSESSABLE = "not_assessable", "Not assessable"


# Statuses that assert an outcome, and so must be backed by evidence.
STATUSES_NEEDING_EVIDENCE = frozenset({Status.FULFILLED, Status.PARTIALLY_FULFILLED, Status.BROKEN})


class Verdict(models.TextChoices):
    """A fact-check verdict on a claim."""

    NOT_CHECKED = "not_checked", "Not checked"
    ACCURATE = "accurate", "Accurate"
    MOSTLY_ACCURATE = "mostly_accurate", "Mostly accurate"
    MISLEADING = "misleading", "Misleading"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    CONTEXT = "context", "Context"


class Score(models.IntegerChoices):
    """The G7 Research Group's compliance scale."""

    NO_COMPLIANCE = -1, "-1: no compliance"
    PARTIAL = 0, "0: partial compliance or work in progress"
    FULL = 1, "+1: full compliance"


class PlainTextModel(models.Model):
    """Every text field refuses characters that XML (the feed) and PostgreSQL (NUL) cannot carry, and drops invisible controls.

    The refusal is in `clean_fields`, so the admin's forms, the services' `full_clean` and intake all
    apply it; the cleaning is in `save`, so every ORM save applies it (not `bulk_create` or `update`).
    """

    # Text quoted verbatim from a source keeps every character the source has (bidi marks of a
    # right-to-left original among them) and is shown through text_reader; every other text field
    # is staff-written and saved without invisible controls (text_clean).
    VERBATIM_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, str) and field.name not in self.VERBATIM_FIELDS:
                setattr(self, field.attname, text_clean(value))
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if field.name in errors or (exclude and field.name in exclude) or not isinstance(value, str):
                continue
            if message := text_refusal(value):
                errors[field.name] = [message]
        if errors:
            raise ValidationError(errors)


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a history row."""


class ReviewState(models.TextChoices):
    """Where a status update, verdict or party assessment stands in the editorial review."""

    PROPOSED = "proposed", "Proposed"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"


# The only columns of a history row that may change after insert: the review, once.
REVIEW_FIELDS = ("review_state", "reviewer", "reviewed_at", "review_comment", "published_at")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are history: they cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are history: they cannot be deleted.")


class ReviewedQuerySet(AppendOnlyQuerySet):
    def published(self):
        """The rows every public reader sees (API, feed, digest, stats, intervals, pages)."""
        return self.filter(review_state=ReviewState.PUBLISHED)

    def proposed(self):
        return self.filter(review_state=ReviewState.PROPOSED)

    def review_decide(self, *, state: str, reviewer, at, comment: str = "") -> int:
        """Record the review of proposals in this queryset, once: only rows still proposed change.

        The one write the history allows (the database trigger enforces the same). Returns how
        many rows changed, so a caller that finds 0 knows someone else decided first.
        """
        if state not in (ReviewState.PUBLISHED, ReviewState.REJECTED):
            raise AppendOnlyError(f"A review publishes or rejects, not {state!r}.")
        published_at = at if state == ReviewState.PUBLISHED else None
        still_proposed = self.filter(review_state=ReviewState.PROPOSED)
        return models.QuerySet.update(  # past this class's refusal, on purpose
            still_proposed, review_state=state, reviewer=reviewer, reviewed_at=at, review_comment=comment, published_at=published_at,
        )


class AppendOnlyModel(PlainTextModel):
    """A history row: inserted once, never updated or deleted.

    Enforced here for the ORM and by a PostgreSQL trigger for everything else
    (see migration 0002).
    """

    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are history: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are history: they cannot be deleted.")


class ReviewedHistoryModel(AppendOnlyModel):
    """An editorial history row: inserted as a proposal, reviewed once, its content never changed.

    Only the review columns (REVIEW_FIELDS) change, once, from proposed to published or
    rejected (`AppendOnlyQuerySet.review_decide`); the database trigger of migration 0009
    enforces the same. Readers show published rows only: `Model.objects.published()`.
    """

    review_state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.PROPOSED, db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Who published or rejected it. Empty for rows published without review (TRACKER_REVIEW_REQUIRED off).",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When it became public: digests and feeds count it in this week.",
    )

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(review_state=ReviewState.PUBLISHED, published_at__isnull=False)
                | (~Q(review_state=ReviewState.PUBLISHED) & Q(published_at__isnull=True)),
                name="%(class)s_published_at_iff_published",
            ),
        ]

    @property
    def is_published(self) -> bool:
        return self.review_state == ReviewState.PUBLISHED


class TimestampedModel(PlainTextModel):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Party(PlainTextModel):
    """A country or an organisation that announces or owes a commitment."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        ORGANISATION = "organisation", "Organisation"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNTRY)
    iso_code = models.CharField(
        "ISO 3166-1 alpha-3 code", max_length=3, blank=True, help_text="Blank for organisations."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return permalinks.party_path(slug=self.slug)


class Theme(PlainTextModel):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Source(TimestampedModel):
    """A document that announced commitments or asserted facts."""

    VERBATIM_FIELDS = ("full_text",)

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=10, default="en", help_text="BCP 47 tag of this text.")
    is_translation = models.BooleanField(
        default=False, help_text="This text is a translation of an original in another language."
    )
    original_language = models.CharField(max_length=10, blank=True)
    url = HttpUrlField(max_length=2000, blank=True, help_text="Blank where the address is not known. Never guess one.")
    full_text = models.TextField(blank=True, help_text="The text as we hold it; quotes must appear in it.")

    class Meta:
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher})"

    def clean(self) -> None:
        if self.is_translation and not self.original_language:
            raise ValidationError({"original_language": "A translation needs its original language."})


class QuotedModel(TimestampedModel):
    """Something quoted verbatim from a source.

    It may be quoted in several sources (its renderings, `commitments.models.Rendering`);
    `source` and `quote` are a copy of the primary rendering, kept by
    `commitments.renderings.quoted_primary_sync` and nothing else, so that lists, search and
    the source checks read one column instead of a join.
    """

    VERBATIM_FIELDS = ("quote",)

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="+",
        help_text="The source of the primary rendering.",
    )
    quote = models.TextField(help_text="The primary rendering, verbatim from the source's text.")

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        source = getattr(self, "source", None) if self.source_id else None
        if source is not None and source.full_text and not is_verbatim(self.quote, source.full_text):
            raise ValidationError(
                {"quote": f"This quote is not verbatim from “{source.title}”: "
                          "copy it exactly from the source's text (only whitespace may differ)."}
            )


def point_number(*, ordinal: int, parent_ordinal: int | None) -> str:
    """A point's number as readers see it: "3" for a point, "3.2" for deliverable 2 of point 3.

    The one place this is built: the model, the API rows, the compliance matrix and the digests call it.
    """
    return str(ordinal) if parent_ordinal is None else f"{parent_ordinal}.{ordinal}"


def commitment_label(*, statement_title: str, number: str, title: str) -> str:
    """A commitment's full label where no page frames it (e-mails, the review queue): "Joint Statement: 3.2. Title".

    The one place this is built: the digests, the deadline alerts and the review queue call it.
    """
    return f"{statement_title}: {number}. {title}"


class CountKind(models.TextChoices):
    """Where a set's count comes from."""

    # The source says the number: "cooperation in four areas".
    ANNOUNCED = "announced", "Announced"
    # The source only numbers the items (First ... Fifth): the tracker counted them.
    INFERRED = "inferred", "Inferred from ordinals"
    # The source lists the items without numbering them at all: the tracker numbered them in the source's order.
    UNNUMBERED = "unnumbered", "Not numbered in the source"


class Statement(TimestampedModel):
    """A numbered set of commitments: "cooperation in four areas", "five-point proposal"."""

    VERBATIM_FIELDS = ("announcement",)

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    announced_by = models.CharField(max_length=200, help_text="The person who announced it, with their office.")
    announcing_party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="announced_statements")
    announced_on = models.DateField()
    meeting = models.CharField(max_length=300, blank=True)
    parties = models.ManyToManyField(Party, related_name="statements", help_text="The parties it binds.")
    sources = models.ManyToManyField(Source, related_name="statements")
    announced_count = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text='The "four" in "four areas", or the number of ordinals when inferred.'
    )
    count_kind = models.CharField(
        max_length=10, choices=CountKind.choices, default=CountKind.ANNOUNCED,
        help_text="Announced: the source states the number. Inferred: the source only numbers the points (First ... Fifth). "
                  "Not numbered: the tracker numbered the items in the source's order.",
    )
    announcement = models.TextField(blank=True, help_text="The sentence that announces the set, verbatim.")

    class Meta:
        ordering = ["announced_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return permalinks.statement_path(slug=self.slug)

    @property
    def count_label(self) -> str:
        """"4 (announced)" / "5 (inferred from ordinals)": how every page shows the count."""
        return f"{self.announced_count} ({CountKind(self.count_kind).label.lower()})"


class Commitment(QuotedModel):
    """One numbered point of a statement, or a deliverable named under a point."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="commitments")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="deliverables",
        help_text="Set for a deliverable: the numbered point it belongs to.",
    )
    ordinal = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    title = models.CharField(max_length=300)
    themes = models.ManyToManyField(Theme, related_name="commitments", blank=True)
    parties = models.ManyToManyField(
        Party, related_name="commitments", blank=True, help_text="The parties responsible for it."
    )
    target_date = models.DateField(null=True, blank=True)
    # The current status of the published history (commitments.history), cached by services.commitment_status_refresh.
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.NOT_YET_RATED, db_index=True)
    status_since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["statement_id", "parent_id", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "ordinal"], condition=Q(parent__isnull=True),
                name="commitment_point_ordinal_unique",
                violation_error_message="This statement already has a point with this number.",
            ),
            models.UniqueConstraint(
                fields=["parent", "ordinal"], condition=Q(parent__isnull=False),
                name="commitment_deliverable_ordinal_unique",
                violation_error_message="This point already has a deliverable with this number.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        """Needs `statement` (and `parent` for a deliverable) loaded: select_related them in lists."""
        return permalinks.commitment_path(statement_slug=self.statement.slug, number=self.number)

    @property
    def number(self) -> str:
        """"3" for a point, "3.2" for a deliverable."""
        return point_number(ordinal=self.ordinal, parent_ordinal=None if self.parent_id is None else self.parent.ordinal)

    @property
    def label(self) -> str:
        """The full label (commitment_label); needs `statement` and `parent` loaded, as `number` does."""
        return commitment_label(statement_title=self.statement.title, number=self.number, title=self.title)

    @property
    def is_deliverable(self) -> bool:
        return self.parent_id is not None

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None:
            return
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "A deliverable belongs to a numbered point, not to another deliverable."})
        if self.statement_id != self.parent.statement_id:
            raise ValidationError({"parent": "A deliverable belongs to a point of the same statement."})


class Claim(QuotedModel):
    """A factual assertion made in a source."""

    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    title = models.CharField(max_length=300, help_text="What is asserted, in a few words.")
    parties = models.ManyToManyField(Party, related_name="claims", blank=True)
    themes = models.ManyToManyField(Theme, related_name="claims", blank=True)
    # The latest published verdict, cached by services.claim_verdict_refresh.
    verdict = models.CharField(max_length=30, choices=Verdict.choices, default=Verdict.NOT_CHECKED, db_index=True)
    verdict_rationale = models.TextField(blank=True)
    verdict_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source_id", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return permalinks.claim_path(pk=self.pk)


class Evidence(TimestampedModel):
    """A document that supports, contradicts or gives context to an assessment."""

    VERBATIM_FIELDS = ("excerpt",)

    url = HttpUrlField(max_length=2000)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    excerpt = models.TextField(blank=True, help_text="The passage that matters, quoted from the page.")
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.SUPPORTS)
    commitments = models.ManyToManyField(Commitment, related_name="evidence", blank=True)
    claims = models.ManyToManyField(Claim, related_name="evidence", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when it first became public: by a published EvidenceRevision, or with the status update,
    # verdict or assessment that cites it. Until then a draft only staff see.
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


# The columns of Evidence an EvidenceRevision may change, and the links it may add or remove.
EVIDENCE_FIELDS = ("url", "title", "publisher", "published_on", "excerpt", "stance")
EVIDENCE_LINKS = ("commitments_add", "commitments_remove", "claims_add", "claims_remove")


class EvidenceRevision(ReviewedHistoryModel):
    """A proposed change of evidence: its creation, an edit, or what it is attached to.

    `changes` holds only what changes: EVIDENCE_FIELDS to their new values and EVIDENCE_LINKS to
    lists of ids. Readers see the Evidence row, which changes only when a revision is published
    (commitments.services.evidence_revision_apply).
    """

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="revisions")
    changes = models.JSONField(default=dict)
    reason = models.TextField(blank=True, help_text="Why it changes (shown in the corrections log once published).")
    # The changed fields as the evidence held them when proposed: the "from" of the corrections log where no
    # earlier published revision says it (evidence drafted with a status update has no revision of its own).
    before = models.JSONField(default=dict, blank=True, help_text="The changed fields as they were when proposed.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ReviewedHistoryModel.Meta):
        permissions = [("review_evidencerevision", "Can publish or reject proposed evidence and evidence edits")]

    def __str__(self) -> str:
        return f"Revision of {self.evidence}"


class StatusUpdate(ReviewedHistoryModel):
    """One change of a commitment's status. The history is append-only."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="status_updates")
    status = models.CharField(max_length=30, choices=Status.choices)
    effective_on = models.DateField(help_text="When the status became true, not when it was recorded.")
    rationale = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evidence = models.ManyToManyField(Evidence, related_name="status_updates", blank=True)

    class Meta(ReviewedHistoryModel.Meta):
        # No default ordering: the history order is one rule, owned by commitments.history.
        indexes = [
            models.Index(fields=["commitment", "-effective_on", "-recorded_at"]),
            # The public changes list and the overview's latest changes, newest published first: read
            # from the index's start instead of sorting every published change (400 ms at 100,000).
            models.Index(fields=["-published_at", "-id"], name="statusupdate_published_order", condition=models.Q(review_state="published")),
        ]
        permissions = [("review_statusupdate", "Can publish or reject proposed status updates")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.effective_on}"


class StatusInterval(models.Model):
    """A span of time a commitment spent in one status, derived from its StatusUpdate history.

    Not history: a rebuildable projection (see commitments.intervals), rewritten for one
    commitment whenever its history grows, so that the weekly series is a plain GROUP BY.
    """

    # No index of its own: the (commitment, start_on) index below serves lookups by commitment.
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField(max_length=30, choices=Status.choices)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True, help_text="The day the next status took over; empty while current.")
    # The commitment's first status: its start ends the "not yet rated" period.
    is_first = models.BooleanField(default=False)

    class Meta:
        ordering = ["commitment_id", "start_on"]
        indexes = [
            models.Index(fields=["commitment", "start_on"], name="interval_commitment_start"),
            models.Index(fields=["commitment", "start_on"], condition=Q(is_first=True), name="interval_first"),
            # The weekly series reads the spans open at its first week and those that start or end
            # within it: for a recent window, a small part of the table.
            models.Index(fields=["start_on"], name="interval_start"),
            models.Index(fields=["end_on"], name="interval_end"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.start_on} to {self.end_on or 'now'}"


class VerdictUpdate(ReviewedHistoryModel):
    """One verdict given on a claim. The history is append-only."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="verdict_updates")
    verdict = models.CharField(max_length=30, choices=Verdict.choices)
    rationale = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evidence = models.ManyToManyField(Evidence, related_name="verdict_updates", blank=True)

    class Meta(ReviewedHistoryModel.Meta):
        permissions = [("review_verdictupdate", "Can publish or reject proposed verdicts")]

    def __str__(self) -> str:
        return self.get_verdict_display()


class PartyAssessment(ReviewedHistoryModel):
    """How far one party complied with one commitment, on the G7 Research Group's scale."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="assessments")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="assessments")
    score = models.SmallIntegerField(
        choices=Score.choices, validators=[MinValueValidator(-1), MaxValueValidator(1)]
    )
    assessed_on = models.DateField()
    rationale = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evidence = models.ManyToManyField(Evidence, related_name="assessments", blank=True)

    class Meta(ReviewedHistoryModel.Meta):
        indexes = [models.Index(fields=["commitment", "party", "-assessed_on", "-recorded_at"])]
        constraints = [
            *ReviewedHistoryModel.Meta.constraints,
            models.CheckConstraint(condition=Q(score__gte=-1) & Q(score__lte=1), name="assessment_score_range"),
        ]
        permissions = [("review_partyassessment", "Can publish or reject proposed party assessments")]

    def __str__(self) -> str:
        return f"{self.party} {self.score:+d} on {self.assessed_on}"
