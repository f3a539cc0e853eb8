from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from commitments.views import healthz

urlpatterns = [
    # The public site: /, /statements/<slug>/[<number>/], /parties/<slug>/, /claims/<id>/, /changes/, /search/
    path("", include("commitments.site.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    # Weekly digests: /subscribe/, /subscribe/confirm/<token>/, /unsubscribe/<token>/, /api/v1/subscriptions/
    path("", include("commitments.digests.urls")),
    # REST API for dashboards
    path("api/v1/", include("commitments.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
