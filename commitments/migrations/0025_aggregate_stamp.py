"""The aggregate stamp: the last transaction that changed anything the cached aggregates read (issue 21 item 5).

The cached aggregates (counts by status, the weekly series, the compliance matrix) used to be
keyed by a version computed from the data on every request: counts and newest timestamps of the
chosen commitments and of a whole history table (two queries, 10-30 ms at 10,000 commitments, more
than the cached answer itself), and it missed changes that touch no timestamp (a statement's bound
parties, a party's name). The database now keeps the stamp itself: every committed transaction that
inserts, updates or deletes a row of one of TABLES, or truncates one, writes its transaction id into
the one row of commitments_aggregatestamp, so reading the version is one primary-key lookup and no
writer is forgotten (the admin, services, raw SQL, a restore, a migration).

The row triggers are deferred to the commit, so the stamp row is the last lock a writer takes (two
writers never wait on each other across it and the row locks of their data: no deadlock), and the
new stamp becomes visible with the data it stamps. A reader inside a transaction cannot see the
stamp move for its own writes, so commitments.selectors.freshness computes directly there.

PostgreSQL only: on SQLite (development) there is no stamp and aggregates are computed every time.
The table has no model: Django's flush (the test suite) leaves it alone, and TRUNCATE moves it.
"""

from django.db import migrations

# Every table an aggregate or a commitment filter of the stats endpoints reads.
TABLES = (
    "commitments_commitment", "commitments_commitment_parties", "commitments_commitment_themes", "commitments_statement",
    "commitments_statement_parties", "commitments_party", "commitments_membership", "commitments_theme", "commitments_statusupdate",
    "commitments_statusinterval", "commitments_partyassessment", "commitments_evidence", "commitments_evidence_commitments",
)

MOVE = """
CREATE OR REPLACE FUNCTION commitments_aggregate_stamp_move() RETURNS trigger AS $$
BEGIN
    -- Once per transaction: later rows of the same transaction find the stamp already theirs.
    UPDATE commitments_aggregatestamp SET xact = txid_current(), changed_at = now() WHERE xact <> txid_current();
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE TABLE commitments_aggregatestamp (id smallint PRIMARY KEY CHECK (id = 1), xact bigint NOT NULL, changed_at timestamptz NOT NULL)"
    )
    schema_editor.execute("INSERT INTO commitments_aggregatestamp VALUES (1, txid_current(), now())")
    schema_editor.execute(MOVE)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE CONSTRAINT TRIGGER commitments_aggregate_stamp AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION commitments_aggregate_stamp_move()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER commitments_aggregate_stamp_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION commitments_aggregate_stamp_move()"
        )


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS commitments_aggregate_stamp ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS commitments_aggregate_stamp_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS commitments_aggregate_stamp_move()")
    schema_editor.execute("DROP TABLE IF EXISTS commitments_aggregatestamp")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0024_reviewer_notices")]

    operations = [migrations.RunPython(forwards, backwards)]
