"""Watched listings of official sites, the documents they list, and the staff inbox.

A `Watch` is a feed, a sitemap or an HTML index page polled on its own interval. Each link it
lists is reduced to a canonical key (`DocumentKey`): every spelling of one document (tracking
parameters, fragments, http/https, a trailing slash, a redirect to the same page) maps to one
`WatchedDocument`, which is fetched once. A fetched document becomes one `InboxItem`: the sets
the extractor found and the tracked commitments it seems to concern, for staff to accept or
dismiss. Nothing here is public.
"""

from django.conf import settings
from django.db import models


class WatchKind(models.TextChoices):
    FEED = "feed", "RSS or Atom feed"
    SITEMAP = "sitemap", "Sitemap"
    PAGE = "page", "HTML index page"


class Watch(models.Model):
    name = models.CharField(max_length=200)
    url = models.CharField(max_length=2000, unique=True, help_text="The listing: a feed, a sitemap or an index page.")
    kind = models.CharField(max_length=10, choices=WatchKind.choices)
    link_pattern = models.CharField(
        max_length=500, blank=True,
        help_text="A regular expression the links to documents match (needed for index pages; optional for feeds and sitemaps).",
    )
    interval_minutes = models.PositiveIntegerField(default=15)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # Scheduling: a poll claims the row (claim + a lease in next_poll_at); a lost worker's lease expires.
    next_poll_at = models.DateTimeField(db_index=True)
    claim = models.UUIDField(null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    # Health.
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0, help_text="Polls failed in a row.")
    last_error = models.TextField(blank=True)
    failing_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "watches"

    def __str__(self) -> str:
        return self.name


class DocumentState(models.TextChoices):
    PENDING = "pending", "Waiting to be fetched"
    FILED = "filed", "Fetched and filed in the inbox"
    DUPLICATE = "duplicate", "Same page as another document"
    DEAD = "dead", "Dead link"
    FAILED = "failed", "Could not be read"


class WatchedDocument(models.Model):
    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="documents", help_text="The watch that listed it first.")
    url = models.CharField(max_length=2000, help_text="As first listed.")
    listed_title = models.CharField(max_length=500, blank=True)
    found_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=DocumentState.choices, default=DocumentState.PENDING, db_index=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    # Fetching: claimed like watches.
    next_try_at = models.DateTimeField(db_index=True)
    claim = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    redirects = models.PositiveSmallIntegerField(
        default=0, help_text="Redirects followed so far (each target is checked against known documents first).",
    )
    fetched_at = models.DateTimeField(null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.CharField(max_length=2000, blank=True, help_text="Where it was read from: the listed address, cleaned, after redirects.")
    error = models.TextField(blank=True)

    # What it says.
    title = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=8, blank=True)
    published_on = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.listed_title or self.url


class DocumentKey(models.Model):
    """One canonical spelling of a document's address; the unique key is what makes a document 'seen'."""

    key = models.CharField(max_length=2000, unique=True)
    document = models.ForeignKey(WatchedDocument, on_delete=models.CASCADE, related_name="keys")

    def __str__(self) -> str:
        return self.key


class InboxState(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class InboxItem(models.Model):
    document = models.OneToOneField(WatchedDocument, on_delete=models.CASCADE, related_name="inbox_item")
    state = models.CharField(max_length=10, choices=InboxState.choices, default=InboxState.NEW, db_index=True)
    sets = models.JSONField(default=list, blank=True, help_text="The extractor's sets (its JSON).")
    matches = models.JSONField(default=list, blank=True, help_text='[{"commitment": id, "score": float, "passage": str}], best first.')
    created_at = models.DateTimeField(db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(blank=True, help_text="What was done with it, or why it was dismissed.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.document)


class InboxMailOptIn(models.Model):
    """A Reviewer or Editor who asked for the daily e-mail of new inbox items (separate from the public digest)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_mail")
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.user)
