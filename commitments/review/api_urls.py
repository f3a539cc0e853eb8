"""The review API, mounted under /api/v1/review/."""

from django.urls import path

from .views import ApproveView, ProposalListView, RejectView

urlpatterns = [
    path("proposals/", ProposalListView.as_view(), name="review-proposals"),
    path("proposals/<str:kind>/<int:pk>/approve/", ApproveView.as_view(), name="review-approve"),
    path("proposals/<str:kind>/<int:pk>/reject/", RejectView.as_view(), name="review-reject"),
]
