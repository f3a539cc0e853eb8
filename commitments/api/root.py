"""GET /api/v1/: the API's front page, listing every endpoint family (not only the router's lists)."""

import re

from django.urls import reverse
from rest_framework.routers import APIRootView, DefaultRouter


def path_template(route: str) -> str:
    """A route as a client reads it: `claims/<int:pk>/claimreview.json` -> `claims/{pk}/claimreview.json`."""
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


class ApiRootView(APIRootView):
    """Every list (the router's), every other route of commitments.api.urls (stats, feeds, audit, review, search,
    intake ...; a route with a parameter as a template such as `intake/jobs/{job_id}/`), the schema and its docs."""

    other_routes: tuple[str, ...] = ()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        base = request.build_absolute_uri(reverse("api:api-root"))
        for route in self.other_routes:
            response.data.setdefault(path_template(route).rstrip("/"), base + path_template(route))
        response.data["schema"] = request.build_absolute_uri(reverse("schema"))
        response.data["docs"] = request.build_absolute_uri(reverse("api-docs"))
        return response


class Router(DefaultRouter):
    """DefaultRouter whose root also lists `other_routes` (the routes written by hand beside the router's)."""

    def __init__(self, *, other_routes: tuple[str, ...], **kwargs):
        super().__init__(**kwargs)
        self.other_routes = other_routes

    def get_api_root_view(self, api_urls=None):
        view = super().get_api_root_view(api_urls)
        return ApiRootView.as_view(**view.initkwargs, other_routes=self.other_routes)
