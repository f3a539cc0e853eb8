from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from commitments.views import healthz

urlpatterns = [
    # The public site: /, /statements/<slug>/[<number>/], /parties/<slug>/, /claims/<id>/, /changes/, /search/
    path("", include("commitments.site.urls")),
    # The one-time link `create_editor` prints: a new editor sets a password, then logs in.
    path("admin/password-set/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("admin/password-set/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Before the admin's own patterns, so /admin/review/ is not taken for an app label.
    path("admin/review/", include("commitments.review.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    # Weekly digests: /subscribe/, /subscribe/confirm/<token>/, /unsubscribe/<token>/, /api/v1/subscriptions/
    path("", include("commitments.digests.urls")),
    # REST API for dashboards
    path("api/v1/", include("commitments.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
