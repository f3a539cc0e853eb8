"""GIN indexes for the site's full-text search (PostgreSQL only; SQLite searches by substring).

Built with the same SearchVector expressions commitments/site/search.py queries with, so the
planner matches them. Not in the models' Meta: they exist only on PostgreSQL.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"
INDEXES = [  # (model, fields, index name): the same fields as search.KINDS
    ("Statement", ("title", "announcement", "meeting"), "statement_search"),
    ("Commitment", ("title", "quote"), "commitment_search"),
    ("Claim", ("title", "quote"), "claim_search"),
    ("Evidence", ("title", "publisher"), "evidence_search"),
]


def _indexes(apps):
    for model, fields, name in INDEXES:
        yield apps.get_model("commitments", model), GinIndex(SearchVector(*fields, config=CONFIG), name=name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in _indexes(apps):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0005_status_intervals")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
