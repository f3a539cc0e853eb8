"""The review queue pages, mounted under /admin/review/ (inside the admin's login)."""

from django.contrib import admin
from django.urls import path

from .admin import review_decide, review_notices, review_queue

urlpatterns = [
    path("", admin.site.admin_view(review_queue), name="review-queue"),
    path("notices/", admin.site.admin_view(review_notices), name="review-notices"),
    path("<str:kind>/<int:pk>/decide/", admin.site.admin_view(review_decide), name="review-decide"),
]
