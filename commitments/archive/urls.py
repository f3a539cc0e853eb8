from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("archive/<int:pk>/", views.capture, name="capture"),
    path("archive/<int:pk>.warc.gz", views.warc, name="warc"),
    path("archive/<int:pk>/sandboxed/", views.sandboxed, name="sandboxed"),
]
