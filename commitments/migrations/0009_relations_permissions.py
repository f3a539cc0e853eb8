"""Editors add renderings and links (through the services); everyone on staff reads them and the memberships."""

from django.db import migrations

EDITOR_PERMISSIONS = {
    "rendering": ("add", "view", "delete"),
    "commitmentlink": ("add", "view", "delete"),
    "statementlink": ("add", "view", "delete"),
    "membership": ("view",),
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(pairs):
        codenames = [f"{action}_{model}" for model, actions in pairs for action in actions]
        return Permission.objects.filter(content_type__app_label="commitments", codename__in=codenames)

    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(*perms(EDITOR_PERMISSIONS.items()))
    for group in Group.objects.filter(name="Viewers"):
        group.permissions.add(*perms((model, ("view",)) for model in EDITOR_PERMISSIONS))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Viewers"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="commitments", content_type__model__in=list(EDITOR_PERMISSIONS)))


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0008_subscriber_responsible_parties"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
