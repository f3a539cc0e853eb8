"""The aggregate stamp's trigger does its work once per transaction (issue 21 item 5).

0025's function ran an UPDATE of the stamp row for every written row at commit (27 us a row
here: 13 s more for a bulk load of 400,000 rows such as the benchmarks'); it now remembers in a
transaction-local setting that this transaction already moved the stamp (5 us a row). A
setting made in a savepoint that is rolled back is rolled back with it.
"""

from django.db import migrations

MOVE_ONCE = """
CREATE OR REPLACE FUNCTION commitments_aggregate_stamp_move() RETURNS trigger AS $$
DECLARE
    mine text := txid_current()::text;
BEGIN
    IF current_setting('commitments.aggregate_stamp_of', true) IS DISTINCT FROM mine THEN
        PERFORM set_config('commitments.aggregate_stamp_of', mine, true);
        UPDATE commitments_aggregatestamp SET xact = txid_current(), changed_at = now();
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

MOVE_EVERY_ROW = """
CREATE OR REPLACE FUNCTION commitments_aggregate_stamp_move() RETURNS trigger AS $$
BEGIN
    UPDATE commitments_aggregatestamp SET xact = txid_current(), changed_at = now() WHERE xact <> txid_current();
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MOVE_ONCE)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MOVE_EVERY_ROW)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0025_aggregate_stamp")]

    operations = [migrations.RunPython(forwards, backwards)]
