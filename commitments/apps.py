from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _roles_after_migrate(sender, **kwargs) -> None:
    """The role groups, as roles.py defines them, after every migrate and every flush that emits post_migrate (tests'
    transactional flushes empty the groups the migrations made; after this they are back for the next test)."""
    from commitments.roles import roles_ensure

    roles_ensure()


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Commitments and claims"

    # Each capability's admin, registered after commitments/admin.py (which Django's admin
    # autodiscovery imported already): they import the core admin, never the other way round.
    CAPABILITY_ADMINS = (
        "commitments.checks.admin", "commitments.archive.admin", "commitments.digests.admin", "commitments.intake.admin", "commitments.watch.admin",
    )

    # Capabilities that listen to another's signals (the archive to the re-check's snapshots).
    CAPABILITY_RECEIVERS = ("commitments.archive.receivers",)

    def ready(self) -> None:
        from importlib import import_module

        from commitments.audit import audit_register

        audit_register()
        # After auth's own receiver (auth is installed first), which makes the permissions the groups are given.
        post_migrate.connect(_roles_after_migrate, sender=self, dispatch_uid="commitments.roles_after_migrate")
        import_module("commitments.intake.services")  # registers the intake kind of change proposal
        for module in (*self.CAPABILITY_ADMINS, *self.CAPABILITY_RECEIVERS):
            import_module(module)
