"""Weekly digest subscriptions and the delivery log that keeps sending exactly-once-ish.

A subscriber is an e-mail address and optional filters; nothing else about the person
is stored. A delivery row is written (claimed) before a digest is sent, so a re-run or a
second worker skips whoever already has one.
"""

from django.db import models
from django.db.models.functions import Lower

from .domain import Party, Statement, Theme


class Subscriber(models.Model):
    email = models.EmailField(max_length=254)
    statements = models.ManyToManyField(Statement, related_name="subscribers", blank=True)
    # The bound_party relation (commitments.parties): parties the statement binds, organisations' members included.
    parties = models.ManyToManyField(Party, related_name="subscribers", blank=True, verbose_name="bound parties")
    responsible_parties = models.ManyToManyField(Party, related_name="subscribers_responsible", blank=True)
    themes = models.ManyToManyField(Theme, related_name="subscribers", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="Set when the signed link was followed.")
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="subscriber_email_ci_unique",
                violation_error_message="This address is already subscribed.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class DigestDelivery(models.Model):
    """One subscriber's digest for one ISO week: claimed, then sent or failed."""

    class State(models.TextChoices):
        # A sender holds it. Re-claimable once older than TRACKER_DIGEST_CLAIM_TIMEOUT (the sender died).
        CLAIMED = "claimed", "Claimed"
        SENT = "sent", "Sent"
        # A transient SMTP failure (connection refused, 4xx): the next attempt re-claims it.
        RETRY = "retry", "Waiting to retry"
        # A permanent SMTP failure (5xx), or retries exhausted: never sent again automatically.
        FAILED = "failed", "Failed"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    period = models.CharField(max_length=8, help_text="ISO week, e.g. 2024-W05.")
    status = models.CharField(max_length=10, choices=State.choices, default=State.CLAIMED)
    claim_token = models.CharField(max_length=32, blank=True, help_text="Which sender holds the claim.")
    claimed_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "-claimed_at"]
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "period"], name="digest_delivery_once_per_period"),
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.period} to {self.subscriber_id}: {self.status}"


class DeadlineAlert(models.Model):
    """One staff alert about a commitment's missed target date: at most one per (commitment, target date).

    Inserted when the deadline is found passed with no evidence since the last status, and
    claimed (sent_at set) by the one sender that e-mails it, so no deadline is announced twice.
    """

    commitment = models.ForeignKey("Commitment", on_delete=models.CASCADE, related_name="deadline_alerts")
    target_date = models.DateField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["commitment", "target_date"], name="deadline_alert_once")]

    def __str__(self) -> str:
        return f"{self.commitment_id} due {self.target_date}"
