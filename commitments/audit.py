"""The audit trail of the catalogue: every create, change and delete, with old and new values.

Kept by django-auditlog: one LogEntry per write of a Party, Theme, Source, Statement,
Commitment, Claim, Evidence or Subscriber (many-to-many links included), with the changed
fields as JSON ``{"field": [old, new]}``, the actor, the time, the client's address, and in
``additional_data["source"]`` where the write came from: "admin", "api", "web", "intake", "watch" or
"command" (anything outside a request: management commands, Celery tasks, the shell).

Requests get their context from ``AuditMiddleware``. Code that writes outside a request and
knows better says so with ``audit_source``; the intake (issue #9) wraps its save in it::

    from commitments.audit import audit_source

    with audit_source("intake", actor=user):
        statement = intake_services.statement_create(...)

The status, verdict and assessment histories are not registered here: they are append-only
histories of their own (commitments.history), with the author and reviewer on each row.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.signals import pre_save
from django.http import HttpRequest, HttpResponse

from commitments.clients import client_address

SOURCES = ("admin", "api", "web", "intake", "watch", "command")
OUTSIDE_REQUESTS = "command"

# model label -> its many-to-many fields, logged as links added and removed
AUDITED = {
    "commitments.Party": (),
    "commitments.Theme": (),
    "commitments.Source": (),
    "commitments.Statement": ("parties", "sources"),
    "commitments.Commitment": ("themes", "parties"),
    "commitments.Claim": ("parties", "themes"),
    "commitments.Evidence": ("commitments", "claims"),
    "commitments.Subscriber": ("statements", "parties", "themes"),
    "commitments.Watch": (),
    "commitments.InboxItem": (),
}
# Bookkeeping that changes with every save says nothing an auditor needs.
NOT_AUDITED_FIELDS = ["updated_at"]


@dataclass(frozen=True)
class AuditContext:
    source: str
    actor: object = None  # a user, or a callable returning one (resolved when the entry is written)
    remote_addr: str | None = None


_context: ContextVar[AuditContext | None] = ContextVar("commitments_audit_context", default=None)


@contextmanager
def audit_source(source: str, *, actor=None, remote_addr: str | None = None) -> Iterator[None]:
    """Every audited write inside this block is recorded as coming from `source`, by `actor`.

    Nests: the innermost block wins, and the outer one is back when it ends. Without an actor
    (or address) of its own, a block keeps the enclosing one's: the request's user, say.
    """
    if source not in SOURCES:
        raise ValueError(f"Unknown audit source {source!r}: one of {', '.join(SOURCES)}.")
    outer = _context.get()
    token = _context.set(AuditContext(
        source=source,
        actor=actor if actor is not None else (outer.actor if outer else None),
        remote_addr=remote_addr or (outer.remote_addr if outer else None),
    ))
    try:
        yield
    finally:
        _context.reset(token)


def _actor(context: AuditContext | None):
    actor = context.actor if context else None
    actor = actor() if callable(actor) else actor
    if isinstance(actor, get_user_model()) and actor.is_authenticated:
        return actor
    return None


def log_entry_fill(sender, instance: LogEntry, **kwargs) -> None:
    """pre_save of every LogEntry: who, from where, and which path, from the current context."""
    context = _context.get()
    actor = _actor(context)
    if actor is not None and instance.actor_id is None:
        instance.actor, instance.actor_email = actor, actor.email
    if context and context.remote_addr and not instance.remote_addr:
        instance.remote_addr = context.remote_addr
    instance.additional_data = {**(instance.additional_data or {}), "source": context.source if context else OUTSIDE_REQUESTS}


def audit_register() -> None:
    """Called once from the app's ready()."""
    from django.apps import apps

    for label, m2m in AUDITED.items():
        auditlog.register(apps.get_model(label), m2m_fields=set(m2m), exclude_fields=NOT_AUDITED_FIELDS)
    pre_save.connect(log_entry_fill, sender=LogEntry, dispatch_uid="commitments.audit.log_entry_fill")


def request_source(path: str) -> str:
    if path.startswith("/admin/"):
        return "admin"
    return "api" if path.startswith("/api/") else "web"


class AuditMiddleware:
    """Writes during a request are logged with its user (resolved late, so API tokens count) and address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # DRF sets request.user on the Django request once it has authenticated a token.
        with audit_source(request_source(request.path), actor=lambda: getattr(request, "user", None), remote_addr=client_address(request) or None):
            return self.get_response(request)


# Personal data: which fields of which audited model hold it (the entry's object_repr is the
# row's str(), so it goes too). Only superusers read them, or anyone's client address.
PERSONAL_FIELDS = {"subscriber": ("email",)}
HIDDEN = "(hidden)"


def audit_models_visible(user) -> list[str]:
    """The audited model names ("commitment", ...) whose trail this user may read: those they may view."""
    names = [label.split(".")[1].lower() for label in AUDITED]
    return [name for name in names if user.has_perm(f"commitments.view_{name}")]


def audit_entries(*, user, model: str | None = None, object_pk: str | None = None) -> QuerySet[LogEntry]:
    """The audit trail of the models this user may view, newest first; `model` is a model name such as "commitment"."""
    visible = audit_models_visible(user)
    entries = LogEntry.objects.filter(content_type__app_label="commitments", content_type__model__in=visible)
    entries = entries.select_related("actor", "content_type")
    if model:
        entries = entries.filter(content_type__model=model.lower())
    if object_pk is not None:
        entries = entries.filter(object_pk=str(object_pk))
    return entries.order_by("-timestamp", "-id")


def audit_entry_redact(entry: LogEntry, *, user) -> LogEntry:
    """Hide personal data (addresses, IPs) from everyone but superusers; in memory only, never saved."""
    if user.is_superuser:
        return entry
    entry.remote_addr = None
    personal = PERSONAL_FIELDS.get(entry.content_type.model, ())
    if personal:
        entry.object_repr = HIDDEN
        changes = dict(entry.changes_dict)
        for name in personal:
            if name in changes:
                changes[name] = [HIDDEN if value is not None else None for value in changes[name]]
        entry.changes, entry.changes_text = changes, ""
    return entry
