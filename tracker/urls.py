from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from commitments.views import healthz

urlpatterns = [
    # The public site: /, /statements/<slug>/[<number>/], /parties/<slug>/, /claims/<id>/, /changes/, /search/
    path("", include("commitments.site.urls")),
    # Archived copies of cited pages: /archive/<id>/ (text, diff), /archive/<id>.warc.gz, /archive/<id>/sandboxed/
    path("", include("commitments.archive.urls")),
    # The one-time link `create_editor` prints: a new editor sets a password, then logs in.
    path("admin/password-set/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("admin/password-set/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Before the admin's own patterns, so /admin/review/ is not taken for an app label.
    path("admin/review/", include("commitments.review.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    # Weekly digests: /subscribe/, /subscribe/confirm/<token>/, /unsubscribe/<token>/ (the API is under api/v1/)
    path("", include("commitments.digests.urls")),
    # REST API for dashboards
    path("api/v1/", include("commitments.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script, so it runs under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"), name="api-docs"),
]

# Under /api/, a URL no route matches is a JSON 404 like every other API error.
handler404 = "commitments.api.errors.not_found"
