"""Admin for the archive: the captures (read-only), and the page staff work from, "Citations that broke":
evidence a published status relied on whose page changed since, lost our quote or went, with
the capture the status relied on beside the newest one, so staff can re-rate or re-cite."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse

from commitments.admin_base import ReadOnlyAdmin
from commitments.http_urls import link_html
from commitments.models import Capture

from . import selectors


@admin.register(Capture)
class CaptureAdmin(ReadOnlyAdmin):
    list_display = ["monitored_url", "captured_at", "kind", "status", "payload_bytes", "warc_bytes", "public_page", "error"]
    list_filter = ["kind", "captured_at", "wayback_state"]
    list_select_related = ["monitored_url"]
    search_fields = ["monitored_url__url", "target_url", "payload_sha256"]
    date_hierarchy = "captured_at"
    readonly_fields = [f.name for f in Capture._meta.fields]
    show_full_result_count = False

    @admin.display(description="public page")
    def public_page(self, obj: Capture) -> str:
        return link_html(reverse("archive:capture", args=[obj.pk]), "open") if obj.ok else "-"

    def get_urls(self):
        broken = path("broken/", self.admin_site.admin_view(self.broken_view), name="commitments_capture_broken")
        return [broken, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "broken_url": reverse("admin:commitments_capture_broken")}
        return super().changelist_view(request, extra_context=extra_context)

    def broken_view(self, request):
        rows = []
        for row in selectors.broken_citations():
            diff = []
            if row.relied_on and row.latest and row.relied_on.pk != row.latest.pk:
                diff = selectors.text_diff(row.relied_on.snapshot.text, row.latest.snapshot.text)
            rows.append({"row": row, "diff": diff,
                         "commitment_url": reverse("admin:commitments_commitment_change", args=[row.commitment_id]),
                         })
        context = {**self.admin_site.each_context(request), "title": "Citations that broke", "rows": rows, "opts": self.model._meta}
        return TemplateResponse(request, "admin/commitments/capture/broken.html", context)
