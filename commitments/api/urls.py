from django.urls import path
from rest_framework.routers import DefaultRouter

from commitments.api import audit, exports, stats, views
from commitments.digests import api as digests
from commitments.intake import api as intake
from commitments.review import api as review
from commitments.site import api as site
from commitments.watch import api as watch

router = DefaultRouter()
router.register("statements", views.StatementViewSet, basename="statement")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("parties", views.PartyViewSet, basename="party")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("sources", views.SourceViewSet, basename="source")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("status-changes", views.StatusChangeViewSet, basename="status-change")
router.register("inbox", watch.InboxViewSet, basename="inbox")

app_name = "api"
urlpatterns = [
    path("stats/", stats.StatsView.as_view(), name="stats"),
    path("stats/status-over-time/", stats.StatusOverTimeView.as_view(), name="stats-status-over-time"),
    path("stats/compliance/", stats.ComplianceView.as_view(), name="stats-compliance"),
    path("feeds/status-changes.atom", exports.StatusChangeFeed.as_view(), name="feed-status-changes"),
    path("claims/<int:pk>/claimreview.json", exports.ClaimReviewView.as_view(), name="claim-claimreview"),
    path("audit/", audit.AuditListView.as_view(), name="audit"),
    path("review/proposals/", review.ProposalListView.as_view(), name="review-proposals"),
    path("review/proposals/<str:kind>/<int:pk>/approve/", review.ApproveView.as_view(), name="review-approve"),
    path("review/proposals/<str:kind>/<int:pk>/reject/", review.RejectView.as_view(), name="review-reject"),
    path("subscriptions/", digests.SubscriptionCreateView.as_view(), name="subscriptions"),
    path("search/", site.SearchView.as_view(), name="search"),
    path("corrections/", site.CorrectionsView.as_view(), name="corrections"),
    path("intake/", intake.IntakeExtractView.as_view(), name="intake"),
    path("intake/save/", intake.IntakeSaveView.as_view(), name="intake-save"),
    path("intake/jobs/<uuid:job_id>/", intake.IntakeJobView.as_view(), name="intake-job"),
    *router.urls,
]
