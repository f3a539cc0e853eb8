"""The review queue pages, mounted under /admin/review/ (inside the admin's login)."""

from django.contrib import admin
from django.urls import path

from .admin import review_decide, review_queue

urlpatterns = [
    path("", admin.site.admin_view(review_queue), name="review-queue"),
    path("<str:kind>/<int:pk>/decide/", admin.site.admin_view(review_decide), name="review-decide"),
]
