"""What the re-check announces to capabilities that stand on it (the archive), without importing them."""

from dataclasses import dataclass

from django.dispatch import Signal

from commitments.models.checks import UrlSnapshot

from .fetch import Fetched


@dataclass(frozen=True)
class Taken:
    """A snapshot just saved, the exchange it came from (body dropped) and the body when it was kept."""

    snapshot: UrlSnapshot
    fetched: Fetched
    body: bytes | None


# Sent inside the recording transaction after snapshots are saved: taken=list[Taken], now=datetime.
snapshots_taken = Signal()
