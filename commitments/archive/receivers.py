"""The archive listens to the re-check: each snapshot it saves is captured (commitments.checks.signals)."""

from django.dispatch import receiver

from commitments.checks.signals import snapshots_taken

from .services import captures_take


@receiver(snapshots_taken, dispatch_uid="archive-captures")
def capture_snapshots(sender, *, taken, now, **kwargs) -> None:
    captures_take(taken=taken, now=now)
