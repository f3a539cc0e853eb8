"""Renderings keep their Chinese as character pairs for search, and PostgreSQL indexes each
rendering in its language (commitments.text_search). Existing renderings get their terms here."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

from commitments.text_search import rendering_vector, search_terms

INDEX = "rendering_search"


def fill(apps, schema_editor):
    rendering_model = apps.get_model("commitments", "Rendering")
    changed = []
    for rendering in rendering_model.objects.only("pk", "text").iterator():
        rendering.search_terms = search_terms(rendering.text)
        if rendering.search_terms:
            changed.append(rendering)
    rendering_model.objects.bulk_update(changed, ["search_terms"], batch_size=1000)


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("commitments", "Rendering"), GinIndex(rendering_vector(), name=INDEX))


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("commitments", "Rendering"), GinIndex(rendering_vector(), name=INDEX))


class Migration(migrations.Migration):
    dependencies = [("commitments", "0013_watch")]
    operations = [
        migrations.AddField(
            model_name="rendering", name="search_terms",
            field=models.TextField(blank=True, editable=False,
                                   help_text="Its Chinese as character pairs, for full-text search (commitments.text_search)."),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index_create, index_drop, elidable=False),
    ]
