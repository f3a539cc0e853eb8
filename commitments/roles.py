"""The three roles, as groups: Viewers read, Editors propose, Reviewers also publish.

Migrations 0009, 0011, 0020 and 0022 created them; `roles_ensure` puts them back as defined here after every
migrate and every flush (a post_migrate receiver, commitments/apps.py) and in create_editor, so a database flushed
by tests or restored without them still works.
"""

from django.contrib.auth.models import Group, Permission

CATALOGUE = ("party", "theme", "source", "statement", "commitment", "claim", "evidence")
HISTORY = ("statusupdate", "verdictupdate", "partyassessment", "evidencerevision", "changeproposal")  # proposals: Reviewers publish them
RELATIONS = ("rendering", "commitmentlink", "statementlink")  # added through the services (issue 12)
INTAKE = ("source", "statement", "commitment", "claim")  # editors add them through the intake (issue 9), never edit them
# Editors record history, evidence and relations; the catalogue itself (titles, quotes) is edited by
# superusers and by the intake's permission holders.
EDITOR = {
    **{model: ("view",) for model in CATALOGUE}, **{model: ("add", "view") for model in INTAKE},
    "evidence": ("add", "change", "view"), "membership": ("view",),
    **{model: ("add", "view", "delete") for model in RELATIONS}, **{model: ("add", "view") for model in HISTORY},
}
# The watch inbox (issue 18): Editors and Reviewers register watches and decide on new documents.
WATCH = {"watch": ("add", "change", "view"), "watcheddocument": ("view",), "inboxitem": ("change", "view")}
EDITOR |= WATCH
REVIEWER = {model: (*actions, "review") if model in HISTORY else actions for model, actions in EDITOR.items()}
VIEWER = {model: ("view",) for model in (*CATALOGUE, *HISTORY, *RELATIONS, "membership", *WATCH)}
ROLES = {"viewer": ("Viewers", VIEWER), "editor": ("Editors", EDITOR), "reviewer": ("Reviewers", REVIEWER)}


def role_group(role: str) -> Group:
    """The group of a role ("viewer", "editor", "reviewer"), with exactly its permissions."""
    name, table = ROLES[role]
    codenames = [f"{action}_{model}" for model, actions in table.items() for action in actions]
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.set(Permission.objects.filter(content_type__app_label="commitments", codename__in=codenames))
    return group


def roles_ensure() -> dict[str, Group]:
    return {role: role_group(role) for role in ROLES}
