"""PostgreSQL: compress score breakdowns with lz4 instead of pglz.

A national evaluation writes ~80,000 breakdowns of ~3 kB; lz4 compresses them about a third
faster (bench/RESULTS.md) for ~8 % more space. A no-op on SQLite, and on a PostgreSQL server
built without lz4 (the default, pglz, stays)."""

from django.db import migrations, transaction

TABLE = "scoring_scoresnapshot"


def _set_compression(method):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql" or connection.pg_version < 140000:
            return
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(
                    f"ALTER TABLE {TABLE} ALTER COLUMN breakdown SET COMPRESSION {method}"
                )
        except Exception:
            return

    return run


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [
        migrations.RunPython(_set_compression("lz4"), _set_compression("pglz"), elidable=True),
    ]
