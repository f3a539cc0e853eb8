from django.urls import path, re_path

from . import views

app_name = "site"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("statements/", views.statements, name="statements"),
    path("statements/<slug:slug>/", views.statement, name="statement"),
    # "3" for a point, "3.1" for a deliverable under it.
    re_path(r"^statements/(?P<slug>[-a-zA-Z0-9_]+)/(?P<number>[0-9]{1,4}(?:\.[0-9]{1,4})?)/$", views.commitment, name="commitment"),
    path("parties/", views.parties, name="parties"),
    path("parties/<slug:slug>/", views.party, name="party"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/", views.claim, name="claim"),
    path("changes/", views.changes, name="changes"),
    path("changes/feed.atom", views.changes_feed, name="changes-feed"),
    path("corrections/", views.corrections_page, name="corrections"),
    path("search/", views.search_page, name="search"),
    path("methodology/", views.methodology_page, name="methodology"),
]
