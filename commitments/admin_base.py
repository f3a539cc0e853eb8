"""What every admin module of the project shares: badges, append-only admins, the audited History page.

commitments/admin.py and each capability's admin (checks/, digests/, review/) import from
here, never from each other, so the admin modules form no import circle.
"""

from auditlog.render import render_logentry_changes_html
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html

from commitments.audit import audit_entries, audit_entry_redact

AUDIT_HISTORY_LENGTH = 200


def badge(label: str, colour: str) -> str:
    """A coloured label. A class per colour (static/commitments/admin.css, loaded on every admin page by
    tracker/templates/admin/base_site.html), not a style attribute: the Content-Security-Policy allows none."""
    return format_html('<span class="badge badge-{}">{}</span>', colour.lstrip("#"), label)


class AppendOnlyAdmin(admin.ModelAdmin):
    """History rows: listed and added, never changed or deleted."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(AppendOnlyAdmin):
    """Rows written only by the service's own code paths: listed, never added by hand."""

    def has_add_permission(self, request):
        return False


class IntakeAddedAdmin(admin.ModelAdmin):
    """The catalogue (sources, statements, points, claims): Editors add to it through the intake only.

    Their add permission is the intake's; the admin's own add form writes the catalogue directly,
    so it is offered (button, page, index link) only to those who may also change it (superusers).
    """

    def has_add_permission(self, request) -> bool:
        opts = self.opts
        return super().has_add_permission(request) and request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


class AuditedAdmin(admin.ModelAdmin):
    """The History button shows the audit trail (django-auditlog): every change, its old and new values, who, when, from where.

    Subclasses with an editorial history of their own (statuses, verdicts) add it with `editorial_history`.
    """

    object_history_template = "admin/commitments/audit_history.html"

    def editorial_history(self, obj):
        return None

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        entries = list(audit_entries(user=request.user, model=self.opts.model_name, object_pk=obj.pk)[:AUDIT_HISTORY_LENGTH])
        for entry in entries:
            audit_entry_redact(entry, user=request.user)
            entry.changes_html = render_logentry_changes_html(entry)
        context = {
            **self.admin_site.each_context(request), "title": f"History: {obj}", "subtitle": None, "opts": self.opts,
            "object": obj, "entries": entries, "editorial_history": self.editorial_history(obj),
            "app_label": self.opts.app_label, "module_name": str(self.opts.verbose_name_plural), **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


class StaffAwareLoginForm(AdminAuthenticationForm):
    """Say why a valid account cannot enter, instead of "enter the correct username and password"."""

    def confirm_login_allowed(self, user):
        if user.is_active and not user.is_staff:
            raise ValidationError(
                "Your password is right, but this account is not marked as staff, so it cannot use the admin. "
                "Ask an administrator to run: python manage.py create_editor %(email)s --role editor "
                "(it sets the staff flag and the role).",
                code="not_staff", params={"email": user.email or user.get_username()},
            )
        super().confirm_login_allowed(user)
