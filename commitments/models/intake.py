"""A URL the intake reads off the request: the web page or API call creates the job, a Celery worker
fetches and extracts, and the page or API client polls until it is done or failed."""

import uuid

from django.conf import settings
from django.db import models


class IntakeJob(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Reading"
        DONE = "done", "Read"
        FAILED = "failed", "Could not be read"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    url = models.CharField(max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    text = models.TextField(blank=True, help_text="The text read from the page: what the extraction's offsets index.")
    page = models.JSONField(default=dict, blank=True, help_text="What the page says about itself: title, publisher, date, language.")
    extraction = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, help_text="Why it could not be read, in plain words.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.url} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
