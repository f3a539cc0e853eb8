"""The statement admin, with the intake page: "Add statement from text" (linked from the statement list)."""

from django.contrib import admin
from django.urls import path

from commitments.admin import StatementAdmin
from commitments.models import Statement

from .views import intake_view

admin.site.unregister(Statement)


@admin.register(Statement)
class IntakeStatementAdmin(StatementAdmin):
    change_list_template = "admin/intake/statement_change_list.html"

    def get_urls(self):
        page = self.admin_site.admin_view(self.intake)
        return [path("intake/", page, name="commitments_statement_intake"), *super().get_urls()]

    def intake(self, request):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Add statement from text"}
        return intake_view(request, context)
