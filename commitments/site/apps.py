from django.apps import AppConfig


class PublicSiteConfig(AppConfig):
    """An app only so that its templates and static files are found next to its code."""

    name = "commitments.site"
    label = "public_site"
    verbose_name = "Public site"
