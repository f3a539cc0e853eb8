"""Archived copies of cited pages: one WARC capture per first read and per confirmed change.

The WARC file (request and response records, or a revisit record when the same payload was
captured before) lives in the "archive" storage (Django's storage API); the row says where,
what it holds and which snapshot of the re-check it belongs to. The page's text is the
snapshot's: a capture does not store it twice.
"""

from django.db import models

from .checks import MonitoredUrl, UrlSnapshot


class Capture(models.Model):
    class Kind(models.TextChoices):
        RESPONSE = "response", "Response (full payload)"
        REVISIT = "revisit", "Revisit (same payload as an earlier capture)"
        FAILED = "failed", "Failed"

    monitored_url = models.ForeignKey(MonitoredUrl, on_delete=models.CASCADE, related_name="captures")
    snapshot = models.OneToOneField(UrlSnapshot, on_delete=models.CASCADE, related_name="capture")
    captured_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    target_url = models.CharField(max_length=2000, help_text="The address fetched last (after redirects).")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    payload_sha256 = models.CharField(max_length=64, db_index=True, blank=True)
    payload_bytes = models.PositiveIntegerField(default=0)
    warc_payload_digest = models.CharField(max_length=100, blank=True, help_text="The WARC-Payload-Digest of the response record.")
    warc_record_id = models.CharField(max_length=100, blank=True)
    revisit_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisits")
    warc_name = models.CharField(max_length=300, blank=True, help_text="Its file in the archive storage.")
    warc_bytes = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    wayback_state = models.CharField(max_length=10, blank=True, help_text="Save Page Now: '' off, pending, sent, failed.")
    wayback_attempts = models.PositiveSmallIntegerField(default=0)
    wayback_next_at = models.DateTimeField(null=True, blank=True, db_index=True, help_text="When to (re)try Save Page Now.")
    wayback_url = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-captured_at", "-id"]
        indexes = [models.Index(fields=["monitored_url", "-captured_at"], name="capture_url_time")]

    def __str__(self) -> str:
        return f"{self.monitored_url} at {self.captured_at:%Y-%m-%d %H:%M}"

    @property
    def ok(self) -> bool:
        return self.kind != self.Kind.FAILED
