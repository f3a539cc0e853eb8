"""History tables refuse UPDATE and DELETE at the database, and the staff groups exist.

The ORM already refuses to change history rows (AppendOnlyModel); the trigger makes
the rule hold for raw SQL, other clients and future code too. PostgreSQL only: the
SQLite development database relies on the ORM guard.
"""

from django.db import migrations

HISTORY_TABLES = ("commitments_statusupdate", "commitments_verdictupdate", "commitments_partyassessment")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION commitments_refuse_history_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are history: they cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

# What each group may do. Editors record; viewers read. Superusers manage users.
EDITOR_PERMISSIONS = {
    "statusupdate": ("add", "view"),
    "verdictupdate": ("add", "view"),
    "partyassessment": ("add", "view"),
    "evidence": ("add", "change", "view"),
    "claim": ("view",),
    "commitment": ("view",),
    "statement": ("view",),
    "source": ("view",),
    "party": ("view",),
    "theme": ("view",),
}
VIEWER_MODELS = tuple(EDITOR_PERMISSIONS)


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # no interpolation of the % below
    for table in HISTORY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION commitments_refuse_history_change();"
        )


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in HISTORY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS commitments_refuse_history_change();")


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; create them now so the groups get them.
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

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(perms(EDITOR_PERMISSIONS.items()))
    viewers, _ = Group.objects.get_or_create(name="Viewers")
    viewers.permissions.set(perms((model, ("view",)) for model in VIEWER_MODELS))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Viewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(install_trigger, remove_trigger),
        migrations.RunPython(create_groups, remove_groups),
    ]
