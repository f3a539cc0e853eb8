"""Monitoring of the URLs that sources and evidence link to.

One `MonitoredUrl` per distinct address holds the scheduling state and the current
health; every check appends a `UrlCheck` (history, never changed); the first check
and every confirmed change keep a `UrlSnapshot` of what the page said.
"""

from django.db import models

from .domain import AppendOnlyModel


class Outcome(models.TextChoices):
    """What one fetch saw."""

    OK = "ok", "OK"
    NOT_MODIFIED = "not_modified", "Not modified (304)"
    REDIRECTED = "redirected", "Redirected (temporary)"
    MOVED = "moved", "Moved (permanent)"
    NOT_FOUND = "not_found", "Not found (404/410)"
    BLOCKED = "blocked", "Blocked (401/403/429 or challenge)"
    SERVER_ERROR = "server_error", "Server error (5xx)"
    CLIENT_ERROR = "client_error", "Other client error (4xx)"
    TIMEOUT = "timeout", "Timeout"
    DNS_ERROR = "dns_error", "DNS failure"
    TLS_ERROR = "tls_error", "TLS failure"
    CONNECTION_ERROR = "connection_error", "Connection failure"
    TOO_LARGE = "too_large", "Too large"
    BAD_ENCODING = "bad_encoding", "Undecodable body (Content-Encoding does not match)"
    REDIRECT_LOOP = "redirect_loop", "Redirect loop"
    TOO_MANY_REDIRECTS = "too_many_redirects", "Too many redirects"
    REFUSED = "refused", "Refused (not a public address)"


class Health(models.TextChoices):
    """The current state of a URL, after hysteresis."""

    UNCHECKED = "unchecked", "Not checked yet"
    OK = "ok", "OK"
    REDIRECTED = "redirected", "Redirected"
    MOVED = "moved", "Moved"
    BLOCKED = "blocked", "Blocked"
    FAILING = "failing", "Failing"
    GONE = "gone", "Gone"
    REFUSED = "refused", "Refused"


class QuoteMatch(models.TextChoices):
    NO_QUOTE = "no_quote", "No quote to look for"
    UNKNOWN = "unknown", "Not checked (no page text)"
    EXACT = "exact", "Exact"
    FUZZY = "fuzzy", "Fuzzy"
    MISSING = "missing", "Missing"


class Event(models.TextChoices):
    """A change of health worth telling analysts about (the digest reads these)."""

    NONE = "", "None"
    GONE = "gone", "Became gone"
    MOVED = "moved", "Moved"
    CHANGED = "changed", "Content changed"
    QUOTE_LOST = "quote_lost", "Quote missing"


class MonitoredUrl(models.Model):
    url = models.CharField(max_length=2000, unique=True)
    # False when no source or evidence links here any more: kept for its history, not checked.
    linked = models.BooleanField(default=True, db_index=True)
    added_at = models.DateTimeField()

    # Scheduling.
    next_check_at = models.DateTimeField(db_index=True)
    interval_seconds = models.PositiveIntegerField(default=86400)
    claim = models.UUIDField(null=True, blank=True, help_text="Set while a batch owns this URL.")
    checks_since_full_get = models.PositiveSmallIntegerField(default=0)

    # Current health.
    health = models.CharField(max_length=20, choices=Health.choices, default=Health.UNCHECKED, db_index=True)
    health_since = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    final_url = models.CharField(max_length=2000, blank=True)
    moved_to = models.CharField(max_length=2000, blank=True, help_text="The new address of a permanent redirect.")
    consecutive_failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    # Failures counted towards "gone": each at least TRACKER_CHECK_GONE_DAYS after the previous one.
    gone_strikes = models.PositiveSmallIntegerField(default=0)
    last_strike_at = models.DateTimeField(null=True, blank=True)

    # Content.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    text_hash = models.CharField(max_length=64, blank=True)
    pending_text_hash = models.CharField(max_length=64, blank=True)
    pending_count = models.PositiveSmallIntegerField(default=0)
    content_changed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Quotes.
    quote_match = models.CharField(max_length=20, choices=QuoteMatch.choices, default=QuoteMatch.UNKNOWN, db_index=True)
    quote_score = models.FloatField(null=True, blank=True)
    quotes_total = models.PositiveSmallIntegerField(default=0)
    quotes_missing = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["url"]
        verbose_name = "monitored URL"
        indexes = [models.Index(fields=["linked", "next_check_at"], name="monitoredurl_due")]

    def __str__(self) -> str:
        return self.url


class UrlCheck(AppendOnlyModel):
    """One check of one URL. History: never changed."""

    monitored_url = models.ForeignKey(MonitoredUrl, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.CharField(max_length=2000, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    health = models.CharField(max_length=20, choices=Health.choices)
    event = models.CharField(max_length=20, choices=Event.choices, blank=True, default="", db_index=True)
    detail = models.CharField(max_length=500, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    text_hash = models.CharField(max_length=64, blank=True)
    content_changed = models.BooleanField(default=False)
    quote_match = models.CharField(max_length=20, choices=QuoteMatch.choices)
    quote_score = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The batch claim that produced it: with the constraint below, a redelivered batch cannot double a check.
    claim = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["monitored_url", "-checked_at"], name="urlcheck_url_time")]
        constraints = [models.UniqueConstraint(fields=["monitored_url", "claim"], name="urlcheck_once_per_claim")]

    def __str__(self) -> str:
        return f"{self.monitored_url} {self.outcome} at {self.checked_at:%Y-%m-%d %H:%M}"


class UrlSnapshot(AppendOnlyModel):
    """What the page said on its first check and after each confirmed change."""

    VERBATIM_FIELDS = ("text", "diff_summary")  # what the page said

    monitored_url = models.ForeignKey(MonitoredUrl, on_delete=models.CASCADE, related_name="snapshots")
    url_check = models.OneToOneField(UrlCheck, on_delete=models.CASCADE, related_name="snapshot")
    taken_at = models.DateTimeField()
    body_sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=200, blank=True)
    headers = models.JSONField(default=dict)
    text = models.TextField()
    diff_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.monitored_url} at {self.taken_at:%Y-%m-%d %H:%M}"
