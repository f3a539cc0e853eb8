from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOrRecordHistory(BasePermission):
    """Reading is open (to signed-in users only when TRACKER_API_ANONYMOUS_READ is off).

    Writing needs the model permission `commitments.add_<model>` for the model the action
    appends to (`view.write_models[view.action]`), as the admin does: Editors have it,
    Viewers and anonymous clients do not.
    """

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return settings.TRACKER_API_ANONYMOUS_READ or request.user.is_authenticated
        model = getattr(view, "write_models", {}).get(getattr(view, "action", None))
        if model is None or not request.user.is_authenticated:
            return False
        return request.user.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}")
