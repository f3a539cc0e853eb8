from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Weekly digests: /subscribe/, /subscribe/confirm/<token>/, /unsubscribe/<token>/, /api/v1/subscriptions/
    path("", include("commitments.digests.urls")),
]
