"""Proposed changes to public content other than status, verdict, score and evidence (EvidenceRevision):
renderings, typed links, sources with their statements, points and claims taken in by the intake.

A proposal holds what would change (`data`) and what readers saw when it was proposed (`before`);
nothing public changes until a Reviewer who did not propose it publishes it, then
`commitments.proposals.proposal_apply` writes it through the same services as before. Rows are
history, like status updates: the review columns change once, the rest never (the trigger of
migration 0022 enforces it in the database).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .domain import ReviewedHistoryModel


class ChangeKind(models.TextChoices):
    RENDERING_ADD = "rendering-add", "New rendering"
    RENDERING_PRIMARY = "rendering-primary", "Rendering made primary"
    RENDERING_REMOVE = "rendering-remove", "Rendering removed"
    COMMITMENT_LINK = "commitment-link", "New link between points"
    STATEMENT_LINK = "statement-link", "New link between statements"
    INTAKE = "intake", "Taken in by the intake"


class ChangeProposal(ReviewedHistoryModel):
    """One proposed change of public content, published or rejected like a status update."""

    kind = models.CharField(max_length=30, choices=ChangeKind.choices, db_index=True)
    target_type = models.CharField(max_length=30, help_text="What it changes: commitment, claim, rendering, statement, source.")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = models.CharField(max_length=600, help_text="What it is about, in words, as proposed.")
    data = models.JSONField(encoder=DjangoJSONEncoder, help_text="What would change: field -> new value.")
    before = models.JSONField(encoder=DjangoJSONEncoder, default=dict, blank=True, help_text="The same fields as readers saw them.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(ReviewedHistoryModel.Meta):
        indexes = [models.Index(fields=["target_type", "target_id"])]
        permissions = [("review_changeproposal", "Can publish or reject proposed changes of public content")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class ReviewerNotice(models.Model):
    """Whether a Reviewer gets the e-mail "proposals wait for review", and when they last got it (at most daily)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_notice")
    enabled = models.BooleanField(default=True, help_text="Off: this Reviewer opted out of the e-mail.")
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Review e-mail for {self.user}: {'on' if self.enabled else 'off'}"
