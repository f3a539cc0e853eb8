"""Admin for monitored URLs and their check history: health badges and the filters analysts need."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from commitments.admin_base import ReadOnlyAdmin, badge
from commitments.models.checks import Health, MonitoredUrl, QuoteMatch, UrlCheck, UrlSnapshot

HEALTH_COLOURS = {
    Health.UNCHECKED: "#6b7280", Health.OK: "#059669", Health.REDIRECTED: "#2563eb", Health.MOVED: "#d97706",
    Health.BLOCKED: "#7c3aed", Health.FAILING: "#ea580c", Health.GONE: "#dc2626", Health.REFUSED: "#374151",
}
QUOTE_COLOURS = {
    QuoteMatch.EXACT: "#059669", QuoteMatch.FUZZY: "#d97706", QuoteMatch.MISSING: "#dc2626",
    QuoteMatch.NO_QUOTE: "#9ca3af", QuoteMatch.UNKNOWN: "#6b7280",
}


class ProblemFilter(admin.SimpleListFilter):
    """The questions analysts ask: what is gone, moved, changed, or lost our quote?"""

    title = "problem"
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [("gone", "Gone"), ("moved", "Moved"), ("changed", "Changed (last 30 days)"), ("quote_missing", "Quote missing")]

    def queryset(self, request, queryset):
        match self.value():
            case "gone":
                return queryset.filter(health=Health.GONE)
            case "moved":
                return queryset.filter(health=Health.MOVED)
            case "changed":
                return queryset.filter(content_changed_at__gte=timezone.now() - timedelta(days=30))
            case "quote_missing":
                return queryset.filter(quote_match=QuoteMatch.MISSING)
        return queryset


class RecentChecksInline(admin.TabularInline):
    model = UrlCheck
    fields = ["checked_at", "outcome", "status", "health", "event", "response_ms", "quote_match", "quote_score", "final_url", "error"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-checked_at"]


@admin.register(MonitoredUrl)
class MonitoredUrlAdmin(ReadOnlyAdmin):
    list_display = ["link", "health_badge", "last_outcome", "last_status", "quote_badge", "content_changed_at", "last_checked_at", "next_check_at"]
    list_filter = [ProblemFilter, "health", "quote_match", "linked", "last_outcome"]
    search_fields = ["url", "final_url", "moved_to"]
    readonly_fields = [f.name for f in MonitoredUrl._meta.fields]
    inlines = [RecentChecksInline]
    list_per_page = 100
    show_full_result_count = False

    @admin.display(description="URL", ordering="url")
    def link(self, obj: MonitoredUrl) -> str:
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', obj.url, obj.url[:90])

    @admin.display(description="health", ordering="health")
    def health_badge(self, obj: MonitoredUrl) -> str:
        return badge(obj.get_health_display(), HEALTH_COLOURS[obj.health])

    @admin.display(description="quote", ordering="quote_match")
    def quote_badge(self, obj: MonitoredUrl) -> str:
        label = obj.get_quote_match_display()
        if obj.quote_match == QuoteMatch.FUZZY and obj.quote_score is not None:
            label = f"{label} {obj.quote_score:.0f}%"
        elif obj.quote_match == QuoteMatch.MISSING:
            label = f"{obj.quotes_missing} of {obj.quotes_total} missing"
        return badge(label, QUOTE_COLOURS[obj.quote_match])


@admin.register(UrlCheck)
class UrlCheckAdmin(ReadOnlyAdmin):
    list_display = ["monitored_url", "checked_at", "outcome", "status", "health", "event", "response_ms", "quote_match", "quote_score"]
    list_filter = ["outcome", "health", "event", "quote_match", "checked_at"]
    list_select_related = ["monitored_url"]
    search_fields = ["monitored_url__url", "final_url", "error"]
    date_hierarchy = "checked_at"
    show_full_result_count = False


@admin.register(UrlSnapshot)
class UrlSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["monitored_url", "taken_at", "content_type", "body_sha256", "diff_summary"]
    list_select_related = ["monitored_url"]
    search_fields = ["monitored_url__url", "text"]
    date_hierarchy = "taken_at"
