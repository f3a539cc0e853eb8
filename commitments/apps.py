from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Commitments and claims"

    def ready(self) -> None:
        from commitments.audit import audit_register

        audit_register()
