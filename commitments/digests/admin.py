"""Staff: manage subscribers, preview anyone's digest for any ISO week, read the delivery log."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from commitments.admin_base import AuditedAdmin, ReadOnlyAdmin
from commitments.models import DigestDelivery, Subscriber

from .addresses import subscriber_address_validate
from .build import digest_content, subscriber_filter
from .changes import week_changes_load
from .delivery import digest_headers, digest_render, filter_names
from .periods import period_before, period_parse
from .subscriptions import unsubscribe_url

# An e-mail's HTML part styles itself inline and may show remote images; it runs no script
# and may only be framed by the admin's preview page.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'; sandbox"


class SubscriberStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Receiving digests"), ("pending", "Not confirmed yet"), ("unsubscribed", "Unsubscribed")]

    def queryset(self, request, queryset):
        return {
            "active": lambda: queryset.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
            "pending": lambda: queryset.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True),
            "unsubscribed": lambda: queryset.filter(unsubscribed_at__isnull=False),
        }.get(self.value(), lambda: queryset)()


class SubscriberForm(forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = ["email"]  # the admin adds the rest (SubscriberAdmin.fields)

    def clean_email(self) -> str:
        subscriber_address_validate(self.cleaned_data["email"])
        return self.cleaned_data["email"]


@admin.register(Subscriber)
class SubscriberAdmin(AuditedAdmin):
    form = SubscriberForm
    list_display = ["email", "state", "filters", "created_at", "confirmed_at", "unsubscribed_at", "preview"]
    list_filter = [SubscriberStateFilter, "parties", "themes", "statements"]
    search_fields = ["email"]
    filter_horizontal = ["statements", "parties", "responsible_parties", "themes"]
    readonly_fields = ["created_at", "confirmed_at"]
    fields = ["email", "statements", "parties", "responsible_parties", "themes", "created_at", "confirmed_at", "unsubscribed_at"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("statements", "parties", "responsible_parties", "themes")

    @admin.display(description="state")
    def state(self, obj: Subscriber) -> str:
        if obj.unsubscribed_at:
            return "unsubscribed"
        return "active" if obj.confirmed_at else "pending"

    @admin.display(description="filters")
    def filters(self, obj: Subscriber) -> str:
        return filter_names(obj) or "everything"

    @admin.display(description="digest")
    def preview(self, obj: Subscriber) -> str:
        return format_html('<a href="{}">preview</a>', reverse("admin:commitments_subscriber_preview", args=[obj.pk]))

    def get_urls(self):
        preview = path("<int:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name="commitments_subscriber_preview")
        html = path("<int:object_id>/preview/html/", self.admin_site.admin_view(self.preview_html_view),
                    name="commitments_subscriber_preview_html")
        return [preview, html, *super().get_urls()]

    def _preview(self, request: HttpRequest, object_id: int) -> tuple:
        """(subscriber, period, error, content, rendered, unsubscribe link) for ?week=YYYY-Www; the last full week by default."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        subscriber = get_object_or_404(self.get_queryset(request), pk=object_id)
        week, error = request.GET.get("week", "").strip(), ""
        try:
            period = period_parse(week) if week else period_before(now=timezone.now())
        except ValueError as invalid:
            period, error = period_before(now=timezone.now()), str(invalid)
        changes = week_changes_load(period=period)
        content = digest_content(changes=changes, digest_filter=subscriber_filter(subscriber))
        link = unsubscribe_url(subscriber_id=subscriber.pk)
        rendered = digest_render(content=content, unsubscribe=link, filter_names=filter_names(subscriber))
        return subscriber, period, error, content, rendered, link

    def preview_html_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The HTML part alone, for the preview's sandboxed frame, under its own policy: its inline styles, no script."""
        rendered = self._preview(request, object_id)[4]
        response = HttpResponse(rendered.html)
        response["Content-Security-Policy"] = PREVIEW_POLICY
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The digest this subscriber gets (or got) for ?week=YYYY-Www; the last full week by default."""
        subscriber, period, error, content, rendered, link = self._preview(request, object_id)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": f"Digest preview: {subscriber.email}",
            "subscriber": subscriber, "period": period, "error": error, "rendered": rendered, "content": content,
            "headers": digest_headers(unsubscribe=link),
        }
        return TemplateResponse(request, "digests/admin_preview.html", context)


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: written only by the sender."""

    list_display = ["subscriber", "period", "status", "attempts", "claimed_at", "sent_at", "last_error"]
    list_filter = ["status", "period"]
    list_select_related = ["subscriber"]
    search_fields = ["subscriber__email", "period"]
    show_full_result_count = False
