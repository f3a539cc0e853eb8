"""The three roles settle: Editors keep the catalogue read-only (as before review came), Reviewers
are Editors who may also publish or reject proposals, Viewers read everything; the relation
permissions of 0009_relations_permissions are part of each role. Same table as commitments.roles.
"""

from django.db import migrations

CATALOGUE = ("party", "theme", "source", "statement", "commitment", "claim", "evidence")
HISTORY = ("statusupdate", "verdictupdate", "partyassessment")
RELATIONS = ("rendering", "commitmentlink", "statementlink")
EDITOR = {
    **{model: ("view",) for model in CATALOGUE}, "evidence": ("add", "change", "view"), "membership": ("view",),
    **{model: ("add", "view", "delete") for model in RELATIONS}, **{model: ("add", "view") for model in HISTORY},
}
REVIEWER = {model: (*actions, "review") if model in HISTORY else actions for model, actions in EDITOR.items()}
VIEWER = {model: ("view",) for model in (*CATALOGUE, *HISTORY, *RELATIONS, "membership")}
GROUPS = {"Viewers": VIEWER, "Editors": EDITOR, "Reviewers": REVIEWER}


def settle_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, table in GROUPS.items():
        codenames = [f"{action}_{model}" for model, actions in table.items() for action in actions]
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="commitments", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0010_merge_0009_relations_permissions_0009_review_state"),
    ]

    operations = [migrations.RunPython(settle_roles, migrations.RunPython.noop)]
