"""Staff accounts: what a new editor needs to work in the admin on day one."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from commitments.roles import role_group, roles_ensure


@transaction.atomic
def editor_ensure(*, email: str, role: str) -> tuple[AbstractBaseUser, bool]:
    """A staff account for `email` in exactly one role group; new accounts get no usable password until they set one."""
    groups = roles_ensure()
    User = get_user_model()
    user, created = User.objects.get_or_create(username=email, defaults={"email": email})
    if created:
        user.set_unusable_password()
    # The admin refuses accounts without the staff flag: a role is useless without it.
    user.is_staff, user.is_active, user.email = True, True, email
    user.save()
    user.groups.remove(*(group for name, group in groups.items() if name != role))
    user.groups.add(role_group(role))
    return user, created


def password_set_url(*, user: AbstractBaseUser) -> str:
    """Django's password-reset link: valid once, until the password changes or the user logs in."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])


