"""The history trigger closes its gaps for direct database access (issue 22 #11).

Besides UPDATE and DELETE (0009), the guard of the reviewed history tables (status updates,
verdicts, party assessments, evidence revisions) now refuses:

- TRUNCATE, also when it reaches them through TRUNCATE ... CASCADE of a table they refer to;
- inserting a row that is not a proposal (published or rejected without a review);
- a review by the row's own author (reviewer_id = author_id), and a published row with no reviewer.

Three session settings lift parts of it, on purpose and visibly: the services set
`commitments.unreviewed` (SET LOCAL, one transaction) when TRACKER_REVIEW_REQUIRED is off and a save
publishes at once with no reviewer; `commitments.bulk_load` lets a restore or a benchmark load rows
already reviewed; `commitments.allow_truncate` lets a test run or a benchmark empty the tables.
"""

from django.db import migrations

TABLES = ("commitments_statusupdate", "commitments_verdictupdate", "commitments_partyassessment", "commitments_evidencerevision")
REVIEW_COLUMNS = "ARRAY['review_state', 'reviewer_id', 'reviewed_at', 'review_comment', 'published_at']"

GUARD = f"""
CREATE OR REPLACE FUNCTION commitments_guard_reviewed_history() RETURNS trigger AS $$
DECLARE
    loading boolean := coalesce(current_setting('commitments.bulk_load', true), '') = 'on';
    unreviewed boolean := coalesce(current_setting('commitments.unreviewed', true), '') = 'on';
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF coalesce(current_setting('commitments.allow_truncate', true), '') = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'rows of % are history: they cannot be truncated', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'rows of % are history: they cannot be deleted', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND (OLD.review_state <> 'proposed' OR NEW.review_state NOT IN ('published', 'rejected')
       OR (to_jsonb(OLD) - {REVIEW_COLUMNS}) IS DISTINCT FROM (to_jsonb(NEW) - {REVIEW_COLUMNS})) THEN
        RAISE EXCEPTION 'rows of % are history: only a proposal''s review may be recorded, once', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'INSERT' AND NEW.review_state <> 'proposed' AND NOT (loading OR unreviewed) THEN
        RAISE EXCEPTION 'rows of % are inserted as proposals: a Reviewer publishes them', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.review_state <> 'proposed' AND NOT loading THEN
        IF NEW.reviewer_id IS NOT NULL AND NEW.reviewer_id = NEW.author_id THEN
            RAISE EXCEPTION 'rows of %: nobody reviews their own proposal', TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.reviewer_id IS NULL AND NOT unreviewed THEN
            RAISE EXCEPTION 'rows of %: a review names its reviewer', TG_TABLE_NAME
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

OLD_GUARD = f"""
CREATE OR REPLACE FUNCTION commitments_guard_reviewed_history() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'rows of % are history: they cannot be deleted', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.review_state <> 'proposed' OR NEW.review_state NOT IN ('published', 'rejected')
       OR (to_jsonb(OLD) - {REVIEW_COLUMNS}) IS DISTINCT FROM (to_jsonb(NEW) - {REVIEW_COLUMNS}) THEN
        RAISE EXCEPTION 'rows of % are history: only a proposal''s review may be recorded, once', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def _retrigger(schema_editor, *, events: str, truncate: bool) -> None:
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION commitments_guard_reviewed_history();"
        )
        if truncate:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION commitments_guard_reviewed_history();"
            )


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)  # no interpolation of the % inside
        _retrigger(schema_editor, events="INSERT OR UPDATE OR DELETE", truncate=True)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_GUARD, params=None)
        _retrigger(schema_editor, events="UPDATE OR DELETE", truncate=False)


class Migration(migrations.Migration):

    dependencies = [
        ("commitments", "0021_check_outcome_bad_encoding"),
    ]

    operations = [migrations.RunPython(install, restore)]
