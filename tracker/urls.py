from django.contrib import admin
from django.urls import include, path

from commitments.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    # Weekly digests: /subscribe/, /subscribe/confirm/<token>/, /unsubscribe/<token>/, /api/v1/subscriptions/
    path("", include("commitments.digests.urls")),
]
