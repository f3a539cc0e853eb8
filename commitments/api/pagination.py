"""Page numbers for browsing, a stable cursor for syncing, no pages for CSV exports.

A request with `updated_since` or `cursor` is a sync: it is ordered by (updated_at, id) and
paginated by an opaque cursor, so rows that change during the sync are not skipped.
Every page reports `count`, the number of rows matching the filters.
"""

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response


class SyncCursorPagination(CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def __init__(self, ordering: tuple[str, ...], page_size: int):
        self.ordering = ordering
        self.page_size = page_size

    def get_ordering(self, request, queryset, view):
        return self.ordering


def is_export(request) -> bool:
    return getattr(request, "accepted_renderer", None) is not None and request.accepted_renderer.format == "csv"


class PublishedCursorPagination(CursorPagination):
    """History in the order published, oldest first: follow `next` until it is null, keep the last
    `published_at` and ask `published_since` next time. A CSV export holds every matching row."""

    ordering = ("published_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        return None if is_export(request) else super().paginate_queryset(queryset, request, view)


class FeedCursorPagination(CursorPagination):
    """Pages of the Atom feed, newest first (RFC 5005 paged feed: follow the `next` link)."""

    ordering = ("-published_at", "-id")
    page_size = 50


def is_sync(request, view) -> bool:
    return bool(getattr(view, "sync_ordering", None)) and ("updated_since" in request.query_params or "cursor" in request.query_params)


class ListPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor = None

    def paginate_queryset(self, queryset, request, view=None):
        self.request, self.count = request, None
        if is_export(request):
            return None  # an export holds every matching row
        fingerprint = getattr(request, "fingerprint", None)
        self.count = fingerprint.count if fingerprint else None
        if view is not None and is_sync(request, view):
            self.cursor = SyncCursorPagination(view.sync_ordering, self.get_page_size(request))
            return self.cursor.paginate_queryset(queryset, request, view)
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        if self.count is not None:
            paginator.__dict__["count"] = self.count  # counted already for the ETag: no second COUNT
        try:
            self.page = paginator.page(self.get_page_number(request, paginator))
        except InvalidPage as exc:
            raise NotFound(f"Invalid page: {exc}") from exc
        self.count = paginator.count
        return list(self.page)

    def page_unevaluated(self, queryset, request, view=None) -> QuerySet | None:
        """For a page-number request: the page as a sliced queryset, not yet run (None: use paginate_queryset).

        The count comes from the conditional check's fingerprint, so the caller can fold the
        page's keys into the statement that reads its rows.
        """
        fingerprint = getattr(request, "fingerprint", None)
        if is_export(request) or (view is not None and is_sync(request, view)) or fingerprint is None:
            return None
        self.request, self.count = request, fingerprint.count
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        paginator.__dict__["count"] = self.count
        try:
            self.page = paginator.page(self.get_page_number(request, paginator))
        except InvalidPage as exc:
            raise NotFound(f"Invalid page: {exc}") from exc
        return self.page.object_list

    def get_paginated_response(self, data):
        links = (self.cursor.get_next_link(), self.cursor.get_previous_link()) if self.cursor else (self.get_next_link(), self.get_previous_link())
        return Response({"count": self.count, "next": links[0], "previous": links[1], "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "nullable": True, "description": "Rows matching the filters.", "example": 123},
                "next": {"type": "string", "nullable": True, "format": "uri", "description": "The next page (a cursor link when syncing)."},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        params[-1]["schema"]["maximum"] = self.max_page_size
        if getattr(view, "sync_ordering", None):
            params.append({
                "name": "cursor", "required": False, "in": "query",
                "description": "Opaque position of a sync (from `next`); sync pages are ordered by (updated_at, id).",
                "schema": {"type": "string"},
            })
        return params
