"""Source and evidence URLs follow one rule (commitments.http_urls): http(s), IDNA-normalised host.

Existing URLs are rewritten to their normalised form; one that cannot be normalised is kept
as it is (never rendered as a link; fixed when the row is next edited). On PostgreSQL a CHECK
constraint refuses any non-http(s) URL from every client (fixtures, raw SQL), as the history
trigger of 0002 does; NOT VALID, so rows stored before are kept.
"""

from django.core.exceptions import ValidationError
from django.db import migrations

import commitments.models.fields
from commitments.http_urls import http_url_normalise

CONSTRAINTS = {
    "commitments_evidence": ("evidence_url_http", "url ~* '^https?://'"),
    "commitments_source": ("source_url_http", "url = '' OR url ~* '^https?://'"),
}


def urls_normalise(apps, schema_editor):
    for name in ("Evidence", "Source"):
        model = apps.get_model("commitments", name)
        for pk, url in model.objects.exclude(url="").values_list("pk", "url").iterator():
            try:
                normalised = http_url_normalise(url)
            except ValidationError:
                continue
            if normalised != url:
                model.objects.filter(pk=pk).update(url=normalised)


def constraints_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (name, check) in CONSTRAINTS.items():
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({check}) NOT VALID")


def constraints_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (name, _) in CONSTRAINTS.items():
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0011_roles"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evidence",
            name="url",
            field=commitments.models.fields.HttpUrlField(max_length=2000),
        ),
        migrations.AlterField(
            model_name="source",
            name="url",
            field=commitments.models.fields.HttpUrlField(
                blank=True, help_text="Blank where the address is not known. Never guess one.", max_length=2000,
            ),
        ),
        migrations.RunPython(urls_normalise, migrations.RunPython.noop),
        migrations.RunPython(constraints_add, constraints_drop),
    ]
