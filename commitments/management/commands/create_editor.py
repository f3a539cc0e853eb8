"""Give someone what a new editor needs: a staff account, a role, and a one-time link to set a password.

    python manage.py create_editor ana@example.org --role editor     # proposes statuses, verdicts, scores
    python manage.py create_editor ben@example.org --role reviewer   # also publishes or rejects proposals
    python manage.py create_editor cem@example.org --role viewer     # reads the admin

Run again for an existing address to change the role or send a fresh link (the old link stops
working once a password is set or the user logs in; any link expires after PASSWORD_RESET_TIMEOUT).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from commitments.audit import audit_source
from commitments.roles import ROLES
from commitments.staff import editor_ensure, password_set_url


class Command(BaseCommand):
    help = "Create (or update) a staff account with a role and print a one-time link to set its password."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", choices=sorted(ROLES), default="editor", help="viewer, editor (proposes) or reviewer (publishes).")

    def handle(self, *args, email: str, role: str, **options) -> None:
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        with audit_source("command"):
            user, created = editor_ensure(email=email, role=role)
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} staff account {user.get_username()} with the role {role} (group {ROLES[role][0]}).")
        self.stdout.write(f"Send them this one-time link to set their password: {password_set_url(user=user)}")
