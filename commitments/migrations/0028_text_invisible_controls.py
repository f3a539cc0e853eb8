"""Issue 22 #14: staff-written text is saved without invisible controls (commitments.text.text_clean); clean what is stored.

Verbatim fields (quotes, source texts, announcements, excerpts, renderings) keep their characters, and
history rows cannot change (their trigger): both are shown through text_reader. A unique name whose
cleaned spelling another row already has is left as it is (readers see its controls as [U+XXXX]).
"""

from django.db import migrations
from django.db.models import Q

from commitments.text import INVISIBLE_RANGES, text_clean

# The staff-written text columns of the tables that are not history (model: fields), as of this migration.
FIELDS = {
    "party": ("name",), "theme": ("name",), "source": ("title", "publisher"), "statement": ("title", "announced_by", "meeting"),
    "commitment": ("title",), "claim": ("title", "verdict_rationale"), "evidence": ("title", "publisher"),
    "rendering": ("translator",), "commitmentlink": ("rationale",), "statementlink": ("rationale",),
}
UNIQUE = {("party", "name"), ("theme", "name")}


def clean(apps, schema_editor) -> None:
    pattern = "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in INVISIBLE_RANGES) + "]"
    for name, fields in FIELDS.items():
        model = apps.get_model("commitments", name)
        holding = Q()
        for field in fields:
            holding |= Q(**{f"{field}__regex": pattern})
        for row in model._base_manager.filter(holding):
            changed = {field: text_clean(getattr(row, field)) for field in fields if text_clean(getattr(row, field)) != getattr(row, field)}
            for field in [f for f in changed if (name, f) in UNIQUE]:
                if model._base_manager.filter(**{field: changed[field]}).exclude(pk=row.pk).exists():
                    del changed[field]
            if changed:
                model._base_manager.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0027_evidence_revision_before")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
